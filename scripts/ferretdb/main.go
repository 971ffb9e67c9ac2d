// Command parley-ferretdb runs FerretDB with its SQLite backend for Parley's local stack.
//
// FerretDB's own cmd/ferretdb panics when built with `go install` (FerretDB issue 2982: its
// version package expects build-time files), so we embed the supported library package instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", ".stack/data/ferretdb", "directory for SQLite files")
	flag.Parse()

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatal(err)
	}

	// synchronous(normal) with FerretDB's WAL journal: a commit no longer waits for an fsync (the WAL is synced at
	// checkpoints), which takes the long tail off concurrent writes. Still consistent after a crash of this process;
	// an OS crash or power loss may drop the last commits — acceptable for the local stand-in, never used in production.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/?_pragma=synchronous(normal)",
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Println("parley-ferretdb listening on", f.MongoDBURI())
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
