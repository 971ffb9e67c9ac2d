/**
 * `npm start`: from a fresh clone, installs what is missing, brings up the dev stack (MongoDB-wire 27017, Redis 6379,
 * LiveKit 7880), builds when out/ is missing or older than the sources, starts the server on 8080 and the desktop
 * client. Where Electron's binary is absent it says why and points at the web client (http://127.0.0.1:8080/app).
 * Ctrl-C (or SIGTERM) stops everything it started: Electron, the server, and the stack services it brought up
 * (services that were already running stay up).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './stack/paths';
import { createContext, stackEnv } from './stack/profiles';
import { allHealthy, down, formatStatus, installAll, status, up } from './stack/stack';
import { assertPortFree, MissingPrerequisiteError, sleep, StackError } from './stack/tools';

const HEALTH_TIMEOUT_MS = 60_000;
const log = (message: string): void => console.log(`[start] ${message}`);

const sourcePaths = [
  'server/src',
  'src-main',
  'src-preload',
  'src-renderer',
  'src-shared',
  'package-lock.json',
  'electron.vite.config.ts',
  'vite.web.config.ts',
  'scripts/build-server.mjs',
];
const outputs = ['out/server/main.js', 'out/main/index.js', 'out/web/index.html'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why a build is needed, or undefined when every output is newer than every source. */
function buildReason(): string | undefined {
  const missing = outputs.find((output) => !existsSync(join(repoRoot, output)));
  if (missing) return `${missing} is missing`;
  const oldestOutput = Math.min(...outputs.map((output) => statSync(join(repoRoot, output)).mtimeMs));
  const stale = sourcePaths.find((source) => newestMtime(join(repoRoot, source)) > oldestOutput);
  return stale ? `${stale} changed since the last build` : undefined;
}

function runToEnd(command: string, args: readonly string[]): Promise<number | null> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', () => resolvePromise(null));
    child.on('exit', (code) => resolvePromise(code));
  });
}

/** Path of Electron's binary when it was downloaded (its install script is disabled in some environments). */
function electronBinary(): { path: string } | { reason: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: `the electron package points at ${String(path)}, which does not exist` };
  } catch {
    // electron/index.js throws when its postinstall download never ran (denied by package.json "allowScripts").
    return { reason: "Electron's binary was never downloaded (its install script is not allowed to run here)" };
  }
}

async function waitForHealth(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null)
      throw new StackError(`the server exited during start (${server.exitCode ?? server.signalCode})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `${response.status} ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(300);
  }
  throw new StackError(`GET ${url} did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last})`);
}

function stopChild(child: ChildProcess | undefined, name: string, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => {
      log(`${name} did not stop in ${graceMs / 1000} s: killing it`);
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}

async function main(): Promise<number> {
  const ctx = createContext('dev');
  let startedServices: string[] = [];
  let server: ChildProcess | undefined;
  let electron: ChildProcess | undefined;
  let shuttingDown = false;
  let exitCode = 0;
  let wake: () => void = () => undefined;
  const finished = new Promise<void>((resolvePromise) => {
    wake = resolvePromise;
  });

  const shutdown = async (): Promise<void> => {
    await stopChild(electron, 'electron', 10_000);
    await stopChild(server, 'server', 25_000);
    if (startedServices.length) {
      const stopped = await down(ctx, startedServices);
      log(`stopped ${stopped.join(', ')}`);
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`${signal}: stopping everything npm start started`);
    exitCode = 130;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await installAll(ctx);
    startedServices = await up(ctx);
    const rows = await status(ctx);
    console.log(formatStatus(rows));
    if (!allHealthy(rows)) throw new StackError('the dev stack is not healthy (see above)');
    if (shuttingDown) return exitCode;

    const reason = buildReason();
    if (reason) {
      log(`building (${reason}): npm run build`);
      const code = await runToEnd('npm', ['run', 'build']);
      if (code !== 0) throw new StackError(`npm run build failed (exit ${code})`);
    }
    if (shuttingDown) return exitCode;

    const port = ctx.ports.api.port;
    const serverUrl = `http://127.0.0.1:${port}`;
    await assertPortFree('server', ctx.ports.api);
    server = spawn(process.execPath, ['--enable-source-maps', join(repoRoot, 'out', 'server', 'main.js')], {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        NODE_ENV: 'development',
        PUBLIC_URL: serverUrl,
        ...process.env,
        ...stackEnv(ctx),
        HOST: '127.0.0.1',
        PORT: String(port),
      },
    });
    server.on('exit', (code, signal) => {
      if (shuttingDown) return;
      log(`the server exited (${signal ?? `code ${code}`}); stopping`);
      shuttingDown = true;
      exitCode = 1;
      wake();
    });
    await waitForHealth(`${serverUrl}/health`, server);
    log(`server healthy at ${serverUrl}`);

    const binary = electronBinary();
    if ('path' in binary) {
      // Chromium refuses to run as root with its sandbox; only then is --no-sandbox passed (dev machines, CI).
      const args = [repoRoot, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
      electron = spawn(binary.path, args, {
        cwd: repoRoot,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, PARLEY_SERVER_URL: serverUrl },
      });
      electron.on('exit', (code) => {
        if (shuttingDown) return;
        log(`the desktop client closed (code ${code}); stopping`);
        shuttingDown = true;
        wake();
      });
      log(`desktop client started (PARLEY_SERVER_URL=${serverUrl}). Ctrl-C stops everything.`);
    } else {
      log(`the Electron desktop client cannot start here: ${binary.reason}.`);
      log('Use the web client instead (same UI, in any browser):');
      console.log(`\n    ${serverUrl}/app\n`);
      log('Ctrl-C stops the server and the stack services npm start brought up.');
    }
    await finished;
  } catch (error) {
    exitCode = error instanceof MissingPrerequisiteError ? 3 : 1;
    console.error(`[start] ${error instanceof MissingPrerequisiteError ? 'missing prerequisite: ' : ''}${(error as Error).message}`);
  }
  shuttingDown = true;
  await shutdown();
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[start] ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
