/**
 * `npm run stack -- <command> [--profile dev|test]` — the local stack of real services (MongoDB-wire server, Redis,
 * LiveKit SFU) that `npm start` and `npm test` use.
 *
 *   install  build/install every pinned tool into .stack/ (idempotent)
 *   up       install what is missing, start what is not running, wait until healthy
 *   down     stop every service of the profile; no process is left behind
 *   status   one line per service: name, address, healthy or why not
 *   env      print the env (MONGODB_URI, LIVEKIT_URL, ...) pointing at the stack, for `export $(...)`
 *
 * Exit codes: 0 ok · 1 a service failed or is unhealthy · 2 usage · 3 a prerequisite is missing (message says what).
 * The profile also comes from PARLEY_STACK_PROFILE; default dev.
 */
import { createContext, isProfileName, stackEnv, type ProfileName } from './profiles';
import { allHealthy, down, formatStatus, installAll, status, up } from './stack';
import { MissingPrerequisiteError, StackError } from './tools';

const usage = 'usage: npm run stack -- up|down|status|install|env [--profile dev|test]';

function parseArgs(argv: readonly string[]): { command: string | undefined; profile: ProfileName } {
  let profile = process.env.PARLEY_STACK_PROFILE ?? 'dev';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--profile' || arg === '-p') profile = argv[++i] ?? '';
    else if (arg.startsWith('--profile=')) profile = arg.slice('--profile='.length);
    else rest.push(arg);
  }
  if (!isProfileName(profile)) {
    console.error(`unknown profile "${profile}"; expected dev or test\n${usage}`);
    process.exit(2);
  }
  if (rest.length > 1) {
    console.error(usage);
    process.exit(2);
  }
  return { command: rest[0], profile };
}

async function main(): Promise<number> {
  const { command, profile } = parseArgs(process.argv.slice(2));
  const ctx = createContext(profile);
  switch (command) {
    case 'install':
      await installAll(ctx);
      console.log('[stack] tools installed');
      return 0;
    case 'up': {
      await installAll(ctx);
      const started = await up(ctx);
      const rows = await status(ctx);
      console.log(started.length ? `[stack] ${profile}: started ${started.join(', ')}` : `[stack] ${profile}: already running`);
      console.log(formatStatus(rows));
      return allHealthy(rows) ? 0 : 1;
    }
    case 'down': {
      const stopped = await down(ctx);
      console.log(stopped.length ? `[stack] ${profile}: stopped ${stopped.join(', ')}` : `[stack] ${profile}: nothing was running`);
      return 0;
    }
    case 'status': {
      const rows = await status(ctx);
      console.log(formatStatus(rows));
      return allHealthy(rows) ? 0 : 1;
    }
    case 'env':
      for (const [key, value] of Object.entries(stackEnv(ctx))) console.log(`${key}=${value}`);
      return 0;
    default:
      console.error(usage);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof MissingPrerequisiteError) {
      console.error(`[stack] missing prerequisite: ${error.message}`);
      process.exit(3);
    }
    console.error(`[stack] ${error instanceof StackError ? error.message : ((error as Error).stack ?? String(error))}`);
    process.exit(1);
  },
);
