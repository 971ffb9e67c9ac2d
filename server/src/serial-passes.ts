/**
 * Passes of some upkeep (a sweep, an access check) that run one at a time, with at most one waiting: a request while
 * one waits widens that pass's scope and shares its result. So a burst of requests while a pass runs costs one more
 * pass, not one each, and that pass covers everything asked for.
 *
 * @example
 *   const sweeps = serialPasses(() => new Set<string>(), (guilds) => sweep(guilds));
 *   await sweeps.request((guilds) => guilds.add(guildId));
 */
export interface SerialPasses<S, T> {
  /** Asks for a pass whose scope includes what `include` adds; resolves (or rejects) with that pass's outcome. */
  request(include?: (scope: S) => void): Promise<T>;
  /** Resolves once no pass runs or waits (for shutdown). */
  idle(): Promise<void>;
}

export function serialPasses<S, T>(newScope: () => S, run: (scope: S) => Promise<T>): SerialPasses<S, T> {
  let running: Promise<unknown> = Promise.resolve();
  let waiting: { scope: S; promise: Promise<T> } | null = null;
  return {
    request(include) {
      if (!waiting) {
        const scope = newScope();
        const promise = running.then(() => {
          waiting = null;
          return run(scope);
        });
        waiting = { scope, promise };
        running = promise.catch(() => undefined);
      }
      include?.(waiting.scope);
      return waiting.promise;
    },
    async idle() {
      while (waiting) await waiting.promise.catch(() => undefined);
      await running;
    },
  };
}
