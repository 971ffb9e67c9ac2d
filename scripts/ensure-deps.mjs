#!/usr/bin/env node
// Runs `npm ci` when node_modules is missing or out of date with package-lock.json, and is a fast no-op otherwise.
// It writes only to stderr, so commands like `npm run bench` keep a clean stdout.
// Plain Node with no dependencies: it runs before anything is installed (every npm script calls it first).
//
// "Out of date" needs two signals, because a bare mtime comparison would reinstall (and delete node_modules) under
// other people's feet when a lockfile is merely touched: package-lock.json must be newer than npm's own record of
// what is installed (node_modules/.package-lock.json) AND that record must differ from the lockfile in some
// package's presence or version.
//
// Native addons (uiohook-napi) are denied their install scripts in package.json "allowScripts": they ship prebuilds.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lockPath = join(root, 'package-lock.json');
const installedPath = join(root, 'node_modules', '.package-lock.json');

/** @returns {string | null} why an install is needed, or null when node_modules matches the lockfile */
function reasonToInstall() {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(installedPath)) return 'node_modules has no record of what npm installed';
  if (!existsSync(lockPath)) return null;
  if (statSync(lockPath).mtimeMs <= statSync(installedPath).mtimeMs) return null;
  const wanted = JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(installedPath, 'utf8')).packages ?? {};
  for (const [path, entry] of Object.entries(wanted)) {
    // Optional packages for other platforms are legitimately absent.
    if (path === '' || entry.optional || entry.link) continue;
    if (!have[path]) return `${path} is not installed`;
    if (have[path].version !== entry.version) return `${path} is ${have[path].version}, lockfile wants ${entry.version}`;
  }
  for (const path of Object.keys(have)) {
    if (!(path in wanted)) return `${path} is installed but no longer in the lockfile`;
  }
  return null;
}

const reason = reasonToInstall();
if (reason) {
  console.error(`[ensure-deps] ${reason}: running npm ci`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.error) {
    console.error(`[ensure-deps] could not run npm ci: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}
