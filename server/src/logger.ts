import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino replaces with [redacted]: credentials must never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  'accessToken',
  'refreshToken',
];

export function createLogger(level: string, name = 'parley'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
}

/** One child per module so every line says where it came from: `moduleLogger(log, 'guilds')`. */
export function moduleLogger(log: Logger, module: string): Logger {
  return log.child({ module });
}
