import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

/**
 * Finds what the Electron E2E tests need, or says exactly why they cannot run here. On this project's dev machine
 * and CI image the Electron binary is never downloaded (its install script is denied), so the usual answer is a
 * skip with this reason; on the GitHub runners (.github/workflows/desktop.yml) it is installed explicitly.
 */
export const root = resolve(import.meta.dirname, '../..');
export const mainEntry = resolve(root, 'out/main/index.js');

export function findElectron(): { ok: true; executable: string } | { ok: false; reason: string } {
  const require = createRequire(import.meta.url);
  let executable: string;
  try {
    // The electron package exports the binary's path, and throws when its download never happened.
    executable = require('electron') as unknown as string;
  } catch (error) {
    return {
      ok: false,
      reason:
        `Electron binary not installed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); ` +
        'its download script is not allowed on this machine. Where downloads are allowed: node node_modules/electron/install.js',
    };
  }
  if (!existsSync(executable)) return { ok: false, reason: `Electron binary missing at ${executable}` };
  if (!existsSync(mainEntry)) return { ok: false, reason: 'out/main/index.js missing: run `npx electron-vite build` first' };
  return { ok: true, executable };
}

/** Chromium refuses to start as root without --no-sandbox (containers); normal users keep the sandbox. */
export const rootArgs = (): string[] => (process.getuid?.() === 0 ? ['--no-sandbox'] : []);
