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
// Native addons: packages in package.json "allowScripts" never run their install scripts, so they load the prebuilt
// binary they ship. Some prebuilds crash on some machines (argon2's linux-x64 glibc build segfaults on load on our
// Debian VMs), so after every install each such addon is loaded once in a child process, and one that does not load
// is built from source with node-gyp (python3, make, g++ and Node's headers; npm's `nodedir` is honoured).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
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

const nativeMarker = join(root, 'node_modules', '.parley-native-check');

/** True when `require(name)` succeeds in a fresh process (a crashing addon kills only the child). */
function loads(name) {
  const probe = `require(${JSON.stringify(name)}); process.stdout.write('PARLEY_LOADED'); process.exit(0)`;
  const result = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return (result.stdout ?? '').includes('PARLEY_LOADED');
}

function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const bundled = join(dirname(realpathSync(process.execPath)), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return existsSync(bundled) ? bundled : undefined;
}

function nodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['config', 'get', 'nodedir'], { encoding: 'utf8', timeout: 30_000 });
  const dir = (result.stdout ?? '').trim();
  return dir && dir !== 'undefined' && existsSync(dir) ? dir : undefined;
}

function checkNativeAddons() {
  const stamp = existsSync(installedPath) ? String(statSync(installedPath).mtimeMs) : 'none';
  if (existsSync(nativeMarker) && readFileSync(nativeMarker, 'utf8') === stamp) return;
  const allowScripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).allowScripts ?? {};
  let allLoad = true;
  for (const name of Object.keys(allowScripts)) {
    const dir = join(root, 'node_modules', name);
    if (!existsSync(join(dir, 'binding.gyp')) || loads(name)) continue;
    const gyp = nodeGyp();
    console.error(`[ensure-deps] ${name}: its prebuilt native addon does not load here; building it from source with node-gyp`);
    if (gyp) {
      const dirArg = nodedir();
      spawnSync(process.execPath, [gyp, 'rebuild', ...(dirArg ? [`--nodedir=${dirArg}`] : [])], { cwd: dir, stdio: ['ignore', 2, 2], timeout: 600_000 });
    }
    if (!loads(name)) {
      allLoad = false;
      console.error(
        `[ensure-deps] WARNING: ${name} still does not load. Build it from source by hand: install python3, make, g++ and ` +
          `Node's headers, then run: npm rebuild ${name} --build-from-source`,
      );
    }
  }
  if (allLoad) writeFileSync(nativeMarker, stamp);
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
checkNativeAddons();
