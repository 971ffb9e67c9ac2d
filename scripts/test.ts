/**
 * `npm test [-- <vitest args>]`: installs the stack tools if missing, brings up the TEST profile stack once with fresh
 * data, runs ONE `vitest run` over every project (unit, integration, e2e, electron) against it, stops the stack again
 * (also on failure or Ctrl-C), and ends with a line CI parses:
 *
 *   Tests: 12 passed, 0 failed, 3 skipped
 *
 * Exit code: 0 only when tests ran and none failed; 3 when a prerequisite is missing; 1 otherwise.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, stackDir } from './stack/paths';
import { createContext, stackEnv } from './stack/profiles';
import {
  acquireLease,
  allHealthy,
  down,
  formatStatus,
  installAll,
  otherLiveLeases,
  releaseLease,
  runningServices,
  status,
  up,
} from './stack/stack';
import { MissingPrerequisiteError } from './stack/tools';

const resultsFile = join(stackDir, 'test-results.json');
const vitestBin = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
// A guard against a hung run, not a budget: the whole suite takes about 20 min on a quick 2-core machine and over
// 25 min on a slower one of the same kind (2026-12-07), so the guard sits well above that and inside CI's 90 min.
const RUN_TIMEOUT_MS = Number(process.env.PARLEY_TEST_TIMEOUT_MS || 50 * 60_000);

interface JsonResults {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: { status?: string }[];
}

function log(message: string): void {
  console.log(`[test] ${message}`);
}

async function main(): Promise<number> {
  const ctx = createContext('test');
  const started = Date.now();
  log('checking stack tools');
  await installAll(ctx);

  const lease = acquireLease(ctx);
  let stopping = false;
  let child: ReturnType<typeof spawn> | undefined;
  const cleanup = async (): Promise<void> => {
    if (releaseLease(ctx, lease)) {
      const stopped = await down(ctx);
      if (stopped.length) log(`test stack stopped (${stopped.join(', ')})`);
    } else {
      log('test stack left running: another test run is using it');
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping tests and the test stack`);
    if (child?.pid) child.kill(signal);
    else void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (otherLiveLeases(ctx, lease) > 0 && runningServices(ctx).length > 0) {
      log('reusing the test stack of another running test run');
    } else {
      // Leftovers of a crashed run would carry old data; start clean.
      await down(ctx);
      await up(ctx, { fresh: true });
    }
    const rows = await status(ctx);
    console.log(formatStatus(rows));
    if (!allHealthy(rows)) {
      log('the test stack is not healthy; not running tests');
      return 1;
    }
    log(`test stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (stopping) return 130;

    rmSync(resultsFile, { force: true });
    const env = {
      ...process.env,
      ...stackEnv(ctx),
      NODE_ENV: 'test',
      PARLEY_TEST_STACK_UP: '1',
      PARLEY_TEST_API_PORT: String(ctx.ports.api.port),
    };
    const args = [vitestBin, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)];
    const code = await new Promise<number | null>((resolvePromise) => {
      child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
      const timer = setTimeout(() => {
        log(`vitest still running after ${RUN_TIMEOUT_MS / 60_000} min: killing it`);
        child?.kill('SIGKILL');
      }, RUN_TIMEOUT_MS);
      child.on('error', (error) => {
        log(`could not run vitest: ${error.message}`);
        clearTimeout(timer);
        resolvePromise(null);
      });
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolvePromise(exitCode);
      });
    });

    const results: JsonResults = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as JsonResults) : {};
    const passed = results.numPassedTests ?? 0;
    const failed = results.numFailedTests ?? 0;
    const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
    // numFailedTestSuites counts describe blocks too; files are what a reader can act on.
    const failedFiles = (results.testResults ?? []).filter((file) => file.status === 'failed').length;
    await cleanup();
    if (failedFiles > 0) log(`${failedFiles} test file(s) had failures`);
    if (!existsSync(resultsFile)) log('vitest wrote no results');
    else if (code !== 0 && failed === 0)
      log(`vitest exited with code ${code ?? 'none'}: unhandled errors or test files that could not run (see above)`);
    console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    const ok = code === 0 && failed === 0 && failedFiles === 0 && passed > 0;
    return stopping ? 130 : ok ? 0 : 1;
  } catch (error) {
    await cleanup().catch((cleanupError: unknown) => log(`cleanup failed: ${(cleanupError as Error).message}`));
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof MissingPrerequisiteError) {
      console.error(`[test] missing prerequisite: ${error.message}`);
      console.log('Tests: 0 passed, 0 failed, 0 skipped');
      process.exit(3);
    }
    console.error(`[test] ${(error as Error).message ?? String(error)}`);
    console.log('Tests: 0 passed, 0 failed, 0 skipped');
    process.exit(1);
  },
);
