import { describe, expect, it } from 'vitest';
import { serialPasses } from './serial-passes';

describe('serial passes', () => {
  it('when requests come while a pass runs, then one more pass runs after it, covering all of them, and they share its result', async () => {
    const ran: string[][] = [];
    let release = () => {};
    const first = new Promise<void>((r) => (release = r));
    const passes = serialPasses(
      () => new Set<string>(),
      async (scope) => {
        ran.push([...scope]);
        if (ran.length === 1) await first;
        return ran.length;
      },
    );
    const a = passes.request((s) => s.add('a'));
    await Promise.resolve();
    const b = passes.request((s) => s.add('b'));
    const c = passes.request((s) => s.add('c'));
    release();
    expect(await a).toBe(1);
    expect(await b).toBe(2);
    expect(await c).toBe(2);
    expect(ran).toEqual([['a'], ['b', 'c']]);
    await passes.idle();
  });

  it('when a pass fails, then its requesters see the error and the next pass still runs', async () => {
    let fail = true;
    const passes = serialPasses(
      () => null,
      async () => {
        if (fail) throw new Error('down');
        return 'ok';
      },
    );
    await expect(passes.request()).rejects.toThrow('down');
    fail = false;
    expect(await passes.request()).toBe('ok');
  });
});
