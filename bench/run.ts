/**
 * `npm run bench -- <name> [args...]` runs bench/<name>.ts (server, client, ptt, ...) and passes its one JSON object
 * through on stdout, so callers can pipe it (`npm run bench -- ptt | jq`). The bench's other output goes to stderr.
 * Exit codes: the bench's own (nothing on stdout when it is not 0); 1 when it printed no JSON object; 2 for an unknown
 * or missing name (lists benches).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const benchDir = import.meta.dirname;
const tsxCli = join(benchDir, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

function available(): string[] {
  return readdirSync(benchDir)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -3))
    .sort();
}

/** The last stdout line that is a JSON object: benches print exactly one, possibly after progress lines. */
function lastJsonObject(stdout: string): string | undefined {
  const lines = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  for (const line of lines.reverse()) {
    // rtc-node logs as JSON on stdout (at debug level unless NODE_ENV=production): never a bench's result.
    if (!line.startsWith('{') || line.includes('"name":"lk-rtc"')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
    } catch {
      // not JSON; keep looking
    }
  }
  // A bench may pretty-print its object over several lines.
  const start = stdout.indexOf('{');
  if (start >= 0) {
    try {
      const value: unknown = JSON.parse(stdout.slice(start));
      if (value && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
    } catch {
      // fall through
    }
  }
  return undefined;
}

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  const benches = available();
  if (!name || !/^[a-z0-9][a-z0-9-]*$/i.test(name) || !existsSync(join(benchDir, `${name}.ts`))) {
    console.error(
      `${name ? `unknown bench "${name}". ` : ''}usage: npm run bench -- <name>\navailable benches: ${benches.join(', ') || '(none)'}`,
    );
    return 2;
  }
  const child = spawn(process.execPath, [tsxCli, join(benchDir, `${name}.ts`), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // Progress lines go to stderr as they come, so stdout carries only the JSON object.
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() && !line.trimStart().startsWith('{')) process.stderr.write(`${line}\n`);
  });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolvePromise) => {
    child.on('error', (error) => {
      console.error(`could not run bench ${name}: ${error.message}`);
      resolvePromise(1);
    });
    child.on('close', (exitCode, signal) => resolvePromise(exitCode ?? (signal ? 1 : 0)));
  });
  // A bench that failed has no figures to pass on, though its stdout may hold JSON lines (rtc-node's log, say).
  if (code !== 0) {
    console.error(`bench ${name} failed (exit ${code}); no figures`);
    return code;
  }
  const json = lastJsonObject(stdout);
  if (!json) {
    console.error(`bench ${name} printed no JSON object (exit ${code})`);
    return 1;
  }
  console.log(json);
  return code;
}

main().then((code) => process.exit(code));
