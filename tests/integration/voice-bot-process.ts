/**
 * A voice bot in a process of its own, so a test can kill it outright (SIGKILL), as a client crashes: no leave, no
 * goodbye to LiveKit. `tsx voice-bot-process.ts <url> <token>` prints "published" once its microphone is on.
 */
import { Bot } from './voice-support';

const [url, token] = process.argv.slice(2);
if (!url || !token) throw new Error('usage: voice-bot-process.ts <url> <token>');
const bot = new Bot();
await bot.connect(url, token);
await bot.publishTone();
process.stdout.write('published\n');
// Stay connected until killed.
setInterval(() => undefined, 60_000);
