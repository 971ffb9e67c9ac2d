import { describe, expect, it } from 'vitest';
import { defaultSettings } from '@shared/ipc/settings';
import type { Log } from '../log';
import type { SettingsFs } from './store';
import { createSettingsStore } from './store';

const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** In-memory filesystem that records every operation, so tests can check write-then-rename ordering. */
function memoryFs(initial: Record<string, string> = {}) {
  const files = new Map(Object.entries(initial));
  const ops: string[] = [];
  let failWrites = false;
  const fs: SettingsFs = {
    async readFile(path) {
      const content = files.get(path);
      if (content === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return content;
    },
    async writeFile(path, data) {
      ops.push(`write ${path}`);
      if (failWrites) throw new Error('disk full');
      files.set(path, data);
    },
    async rename(from, to) {
      ops.push(`rename ${from} -> ${to}`);
      const content = files.get(from);
      if (content === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      files.delete(from);
      files.set(to, content);
    },
    async mkdir() {},
  };
  return { fs, files, ops, failWritesFromNowOn: () => (failWrites = true) };
}

const DIR = '/user';
const FILE = '/user/settings.json';
const make = (m: ReturnType<typeof memoryFs>) => createSettingsStore({ fs: m.fs, dir: DIR, log: silent, now: () => 1234 });

describe('settings store', () => {
  it('when no file exists, then defaults are used and nothing is reported', async () => {
    const m = memoryFs();
    const { settings, notice } = await make(m).load();
    expect(settings).toEqual(defaultSettings());
    expect(notice).toBeNull();
  });

  it('when the file is valid, then its values are loaded', async () => {
    const m = memoryFs({ [FILE]: JSON.stringify({ version: 1, closeToTray: false, ptt: { enabled: true, releaseDelayMs: 750 } }) });
    const { settings } = await make(m).load();
    expect(settings.closeToTray).toBe(false);
    expect(settings.ptt).toMatchObject({ enabled: true, releaseDelayMs: 750, mode: 'hold' });
  });

  it('when the file is corrupt JSON, then it is backed up, replaced by defaults, and the user is told', async () => {
    const m = memoryFs({ [FILE]: '{"closeToTray": fal' });
    const { settings, notice } = await make(m).load();
    expect(settings).toEqual(defaultSettings());
    expect(notice).toMatchObject({ code: 'settings-reset' });
    expect(notice?.hint).toContain('settings.json.corrupt-1234');
    expect(m.files.get(`${FILE}.corrupt-1234`)).toBe('{"closeToTray": fal');
    expect(JSON.parse(m.files.get(FILE) ?? '')).toEqual(defaultSettings());
  });

  it('when the file has invalid values (delay above 2000 ms, a future version), then it is backed up and reset', async () => {
    for (const bad of [{ ptt: { releaseDelayMs: 5000 } }, { version: 2 }]) {
      const m = memoryFs({ [FILE]: JSON.stringify(bad) });
      const { notice } = await make(m).load();
      expect(notice?.code).toBe('settings-reset');
      expect(m.files.has(`${FILE}.corrupt-1234`)).toBe(true);
    }
  });

  it('when updated, then the file is written to a temporary path first and renamed over the real one', async () => {
    const m = memoryFs();
    const store = make(m);
    await store.load();
    await store.update({ ptt: { releaseDelayMs: 400 } });
    expect(m.ops).toEqual([`write ${FILE}.tmp-1`, `rename ${FILE}.tmp-1 -> ${FILE}`]);
    expect(JSON.parse(m.files.get(FILE) ?? '').ptt.releaseDelayMs).toBe(400);
    expect([...m.files.keys()]).toEqual([FILE]);
  });

  it('when a write fails, then the previous file is left intact', async () => {
    const m = memoryFs({ [FILE]: JSON.stringify({ closeToTray: false }) });
    const store = make(m);
    await store.load();
    m.failWritesFromNowOn();
    await expect(store.update({ closeToTray: true })).rejects.toThrow('disk full');
    expect(JSON.parse(m.files.get(FILE) ?? '')).toEqual({ closeToTray: false });
    expect(store.get().closeToTray).toBe(false);
  });

  it('when a section is patched, then the other fields of that section are kept and subscribers see old and new', async () => {
    const m = memoryFs();
    const store = make(m);
    await store.load();
    const seen: Array<[number, number]> = [];
    const off = store.subscribe((next, prev) => seen.push([prev.ptt.releaseDelayMs, next.ptt.releaseDelayMs]));
    const next = await store.update({ ptt: { mode: 'toggle' } });
    await store.update({ ptt: { releaseDelayMs: 10 } });
    off();
    await store.update({ ptt: { releaseDelayMs: 20 } });
    expect(next.ptt).toMatchObject({ mode: 'toggle', releaseDelayMs: 200 });
    expect(seen).toEqual([
      [200, 200],
      [200, 10],
    ]);
  });

  it('when two patches arrive at once, then both survive', async () => {
    const m = memoryFs();
    const store = make(m);
    await store.load();
    await Promise.all([store.update({ closeToTray: false }), store.update({ ptt: { releaseDelayMs: 900 } })]);
    const onDisk = JSON.parse(m.files.get(FILE) ?? '');
    expect([onDisk.closeToTray, onDisk.ptt.releaseDelayMs]).toEqual([false, 900]);
  });
});
