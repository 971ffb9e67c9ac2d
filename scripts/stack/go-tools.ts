import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { binDir, repoRoot } from './paths';
import { MissingPrerequisiteError, run, StackError, which } from './tools';

/** Pinned versions of everything the stack builds from source. */
export const LIVEKIT_VERSION = '1.13.5';
export const livekitModule = `github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_VERSION}`;
export const ferretdbSourceDir = join(repoRoot, 'scripts', 'ferretdb');
export const ferretdbBinary = join(binDir, 'parley-ferretdb');
export const livekitBinary = join(binDir, 'server');

// Module downloads on a fresh machine are the slow part; generous but finite.
const GO_TIMEOUT_MS = 25 * 60_000;

function requireGo(what: string): string {
  const go = which('go');
  if (!go) {
    throw new MissingPrerequisiteError(
      `${what} needs Go ≥ 1.24 to build, and no \`go\` is on PATH. Install Go from https://go.dev/dl/ ` +
        `(Debian: apt-get install golang-go is often too old)${what.startsWith('livekit') ? `, or put a livekit-server v${LIVEKIT_VERSION} binary on PATH` : ''}.`,
    );
  }
  return go;
}

export async function binaryVersion(binary: string): Promise<string> {
  const result = await run(binary, ['--version'], { timeoutMs: 10_000 });
  return result.output.trim();
}

/** `go install` of livekit-server at the pinned tag into .stack/bin (binary named `server`). */
export async function buildLivekit(): Promise<void> {
  if (existsSync(livekitBinary) && (await binaryVersion(livekitBinary)).includes(LIVEKIT_VERSION)) return;
  const go = requireGo('livekit-server');
  console.log(`[stack] livekit: go install ${livekitModule} (first build downloads modules; can take several minutes)`);
  const result = await run(go, ['install', livekitModule], {
    env: { ...process.env, GOBIN: binDir },
    timeoutMs: GO_TIMEOUT_MS,
    echo: '[go livekit] ',
  });
  if (result.code !== 0) {
    throw new StackError(`go install ${livekitModule} failed${result.timedOut ? ' (timed out)' : ''}:\n${result.output.slice(-3000)}`);
  }
  const version = await binaryVersion(livekitBinary);
  if (!version.includes(LIVEKIT_VERSION)) throw new StackError(`built ${livekitBinary} reports "${version}", expected ${LIVEKIT_VERSION}`);
}

function newestSource(): number {
  return Math.max(...['main.go', 'go.mod', 'go.sum'].map((file) => statSync(join(ferretdbSourceDir, file)).mtimeMs));
}

/** Builds our FerretDB launcher (scripts/ferretdb, FerretDB v1.24.2 pinned by go.sum) when missing or stale. */
export async function buildFerretdb(): Promise<void> {
  if (existsSync(ferretdbBinary) && statSync(ferretdbBinary).mtimeMs >= newestSource()) return;
  const go = requireGo('FerretDB (the MongoDB-wire server used when no MONGODB_URI or mongod is available)');
  console.log('[stack] mongo: go build scripts/ferretdb → .stack/bin/parley-ferretdb (first build can take a few minutes)');
  const result = await run(go, ['build', '-o', ferretdbBinary, '.'], {
    cwd: ferretdbSourceDir,
    timeoutMs: GO_TIMEOUT_MS,
    echo: '[go ferretdb] ',
  });
  if (result.code !== 0) {
    throw new StackError(`go build of scripts/ferretdb failed${result.timedOut ? ' (timed out)' : ''}:\n${result.output.slice(-3000)}`);
  }
}
