#!/usr/bin/env bash
# Builds LiveKit Egress from the Go module proxy with cgo against Debian's GStreamer and installs it as
# .stack/bin/egress. Idempotent: does nothing when the pinned version is already installed.
#
# Called by .ci/run and by the stack install. Exit codes: 0 built/up to date, 3 the pinned module is not
# obtainable from the configured GOPROXY (status "unavailable" in .stack/egress-build.json), 1 anything else.
#
# Why each step exists (upstream traps):
# - go.mod has replace directives (go-gst → livekit/gst-go), so `go install pkg@version` refuses to build it;
#   we download the module source and `go build` inside a writable copy instead.
# - cmd/server embeds a `templates` directory that is not part of the published module; we never use a web
#   layout (audio-only RoomComposite goes through the SDK path, no Chrome), so a minimal placeholder suffices.
# - Egress re-executes itself as `egress run-handler`, so the binary must be called `egress` and be on PATH
#   (scripts/stack/services/egress.ts puts .stack/bin first on PATH).
# - Egress writes temporary files under /home/egress/tmp.
set -euo pipefail

EGRESS_MODULE="github.com/livekit/egress"
EGRESS_VERSION="v1.14.1"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK="$ROOT/.stack"
BIN_DIR="$STACK/bin"
WORK_DIR="$STACK/build/egress-$EGRESS_VERSION"
STATUS_FILE="$STACK/egress-build.json"
mkdir -p "$BIN_DIR" "$STACK/build" "$STACK/logs"

write_status() { # status message
  node -e 'const [f,s,v,m]=process.argv.slice(1);require("node:fs").writeFileSync(f,JSON.stringify({status:s,version:v,message:m,at:new Date().toISOString()},null,2)+"\n")' \
    "$STATUS_FILE" "$1" "$EGRESS_VERSION" "$2"
}

if [[ -x "$BIN_DIR/egress" && -f "$BIN_DIR/egress.version" && "$(cat "$BIN_DIR/egress.version")" == "$EGRESS_VERSION" ]]; then
  echo "egress $EGRESS_VERSION already installed at $BIN_DIR/egress"
  exit 0
fi

started=$(date +%s)

if ! command -v go >/dev/null; then
  echo "egress build: Go is missing. fix: install Go >= 1.24 (https://go.dev/doc/install) and re-run" >&2
  write_status failed "go missing"
  exit 1
fi

# 1. Module source into the module cache (read-only there).
dl_json="$(cd "$STACK/build" && GOFLAGS=-mod=mod go mod download -json "$EGRESS_MODULE@$EGRESS_VERSION" 2>&1 || true)"
src_dir="$(printf '%s' "$dl_json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);process.stdout.write(j.Error?"":(j.Dir??""))}catch{}})')"
if [[ -z "$src_dir" || ! -d "$src_dir" ]]; then
  echo "egress build: go mod download -json $EGRESS_MODULE@$EGRESS_VERSION failed:" >&2
  printf '%s\n' "$dl_json" >&2
  if printf '%s' "$dl_json" | grep -qE '403 Forbidden|404 Not Found|410 Gone|not available'; then
    write_status unavailable "$(printf '%s' "$dl_json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{process.stdout.write(JSON.parse(s).Error??s)}catch{process.stdout.write(s)}})')"
    exit 3
  fi
  write_status failed "go mod download failed"
  exit 1
fi

# 2. Toolchain and GStreamer headers. Checked only once the module is obtainable, so machines where the proxy
#    refuses it (as ours does) don't spend minutes installing GStreamer for nothing; installed with apt when we are root.
missing=()
command -v pkg-config >/dev/null || missing+=("pkg-config")
for pc in gstreamer-1.0 gstreamer-base-1.0 gstreamer-app-1.0 gstreamer-video-1.0 gstreamer-audio-1.0 gstreamer-pbutils-1.0; do
  pkg-config --exists "$pc" 2>/dev/null || missing+=("$pc (pkg-config)")
done
GST_APT=(pkg-config libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-tools)
if ((${#missing[@]})) && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "egress build: installing GStreamer build dependencies with apt"
  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${GST_APT[@]}" </dev/null
  missing=()
  command -v pkg-config >/dev/null || missing+=("pkg-config")
  for pc in gstreamer-1.0 gstreamer-base-1.0 gstreamer-app-1.0 gstreamer-video-1.0 gstreamer-audio-1.0 gstreamer-pbutils-1.0; do
    pkg-config --exists "$pc" 2>/dev/null || missing+=("$pc (pkg-config)")
  done
fi
if ((${#missing[@]})); then
  echo "egress build: missing prerequisites: ${missing[*]}" >&2
  echo "fix: apt-get install -y pkg-config libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-tools" >&2
  write_status failed "missing prerequisites: ${missing[*]}"
  exit 1
fi

# 3. Writable copy + placeholder templates for the go:embed in cmd/server.
rm -rf "$WORK_DIR"
cp -r "$src_dir" "$WORK_DIR"
chmod -R u+w "$WORK_DIR"
mkdir -p "$WORK_DIR/cmd/server/templates"
if [[ -z "$(ls -A "$WORK_DIR/cmd/server/templates")" ]]; then
  printf '<!doctype html><title>parley egress</title><p>Web layouts are not used by Parley (audio-only recordings).</p>\n' \
    > "$WORK_DIR/cmd/server/templates/index.html"
fi

# 4. Build (cgo for go-gst). -p 1 keeps us from starving the other processes on 2-core machines.
echo "egress build: compiling $EGRESS_MODULE@$EGRESS_VERSION in $WORK_DIR"
if ! (cd "$WORK_DIR" && CGO_ENABLED=1 GOFLAGS=-mod=mod go build -p "${EGRESS_BUILD_JOBS:-1}" -trimpath -o "$BIN_DIR/egress.tmp" ./cmd/server); then
  write_status failed "go build ./cmd/server failed (see build log)"
  exit 1
fi
mv "$BIN_DIR/egress.tmp" "$BIN_DIR/egress"
printf '%s\n' "$EGRESS_VERSION" > "$BIN_DIR/egress.version"

# 5. Runtime temp dir Egress hard-codes.
mkdir -p /home/egress/tmp 2>/dev/null || echo "egress build: could not create /home/egress/tmp (create it with write access for the stack user)" >&2

write_status built "built in $(( $(date +%s) - started ))s"
echo "egress build: done in $(( $(date +%s) - started ))s → $BIN_DIR/egress"
