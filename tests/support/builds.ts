/**
 * Builds the tests run against, when they are missing or older than their sources: the web client (e2e) and the
 * Electron main + preload + renderer (tests/electron). Tests exercise what ships, so they never skip for want of a
 * build on a fresh clone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function buildWhenStale(output: string, sources: string[], args: string[]): void {
  const newestSource = Math.max(...sources.map((source) => newestMtime(resolve(ROOT, source))));
  const built = resolve(ROOT, output);
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource) return;
  // NODE_ENV=production: vitest sets NODE_ENV=test, and Vite keeps an inherited NODE_ENV, so a build started from a test
  // run shipped React's development bundle (twice the size and much slower), which the E2E tests and the client bench
  // then measured.
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

/** out/web (the web client the server serves at /app). */
export function ensureWebBuild(): void {
  buildWhenStale(
    'out/web/index.html',
    ['src-renderer', 'src-shared', 'vite.web.config.ts', 'scripts/build'],
    [resolve(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn'],
  );
}

/** out/main, out/preload and out/renderer (the desktop app). */
export function ensureDesktopBuild(): void {
  buildWhenStale(
    'out/main/index.js',
    ['src-main', 'src-preload', 'src-renderer', 'src-shared', 'electron.vite.config.ts'],
    [resolve(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'],
  );
}
