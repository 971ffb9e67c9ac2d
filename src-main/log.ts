import pino from 'pino';

/** The slice of pino every main-process module uses; tests pass a recording fake. */
export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Log;
}

export function createRootLog(level: string): Log {
  return pino({ level, base: { process: 'main' } });
}
