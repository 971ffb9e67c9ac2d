/**
 * `npm run admin -- <command>` on a development machine: the admin CLI (server/src/admin/cli.ts) against the dev stack.
 * The stack's addresses and secrets (.stack/dev.env) fill in whatever the environment does not set, as `npm start`
 * hands them to the server; the server image runs the bundled CLI with its own environment instead.
 */
import { text } from 'node:stream/consumers';
import { runAdmin } from '../server/src/admin/cli';
import { createContext, stackEnv } from './stack/profiles';

const env = { NODE_ENV: 'development', ...stackEnv(createContext('dev')), ...process.env };
const code = await runAdmin(process.argv.slice(2), {
  env,
  readStdin: () => text(process.stdin),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
process.exit(code);
