/**
 * Stops and restarts single services of the TEST profile stack from inside a test (e.g. "when LiveKit is down,
 * /health answers 503 naming it"). Always restart what you stopped in a `finally`/afterAll, since the stack is shared
 * by every test file of the run.
 */
import { createContext } from '../../scripts/stack/profiles';
import { startService as start, stopService as stop } from '../../scripts/stack/stack';

export type StackServiceName = 'livekit' | 'redis' | 'mongo';

/** Stops the service and waits until its process is gone; false when it was not running (or is external). */
export function stopService(name: StackServiceName): Promise<boolean> {
  return stop(createContext('test'), name);
}

/** Starts the service and waits until it is healthy; false when it was already running. */
export function startService(name: StackServiceName): Promise<boolean> {
  return start(createContext('test'), name);
}
