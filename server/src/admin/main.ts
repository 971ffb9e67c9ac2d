/**
 * Entry of the admin CLI in the server image (`npm run admin -- …` runs `node server/admin.js`, bundled from here by
 * scripts/build-server.mjs). The environment is the server's own. For development, scripts/admin.ts adds the dev
 * stack's addresses and secrets.
 */
import { text } from 'node:stream/consumers';
import { runAdmin } from './cli';

const code = await runAdmin(process.argv.slice(2), {
  env: process.env,
  readStdin: () => text(process.stdin),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
process.exit(code);
