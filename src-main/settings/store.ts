import type { Notice } from '@shared/ipc/contract';
import type { Settings, SettingsPatch } from '@shared/ipc/settings';
import { defaultSettings, settingsSchema } from '@shared/ipc/settings';
import type { Log } from '../log';

/**
 * One JSON settings file in userData. Parsed with zod on load; anything unreadable or invalid (corrupt JSON, a
 * newer version, wrong types) is moved aside to `<file>.corrupt-<time>` and replaced by defaults with a notice —
 * never a crash, never a silently lost file. Writes go to a temporary file first and are renamed over the real one,
 * so a crash mid-write leaves either the old or the new file, never half of one.
 */

export interface SettingsFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
}

export interface SettingsStore {
  load(): Promise<{ settings: Settings; notice: Notice | null }>;
  get(): Settings;
  update(patch: SettingsPatch): Promise<Settings>;
  setWindowState(window: Settings['window']): Promise<void>;
  subscribe(listener: (settings: Settings, previous: Settings) => void): () => void;
}

const isMissing = (error: unknown): boolean => (error as { code?: string } | null)?.code === 'ENOENT';

export function createSettingsStore(deps: { fs: SettingsFs; dir: string; log: Log; now: () => number }): SettingsStore {
  const { fs, log } = deps;
  const file = `${deps.dir}/settings.json`;
  let current = defaultSettings();
  let queue: Promise<void> = Promise.resolve();
  let tmpCounter = 0;
  const listeners = new Set<(settings: Settings, previous: Settings) => void>();

  async function writeAtomically(settings: Settings): Promise<void> {
    tmpCounter += 1;
    const tmp = `${file}.tmp-${tmpCounter}`;
    await fs.mkdir(deps.dir, { recursive: true });
    await fs.writeFile(tmp, `${JSON.stringify(settings, null, 2)}\n`, 'utf8');
    await fs.rename(tmp, file);
  }

  /**
   * Every change runs in one queue and is computed from the settings as they are when its turn comes, so two quick
   * patches cannot overwrite each other. Memory and listeners change only once the file is on disk.
   */
  function mutate(change: (settings: Settings) => Settings): Promise<Settings> {
    const run = queue.then(async () => {
      const previous = current;
      const next = change(previous);
      await writeAtomically(next);
      current = next;
      for (const listener of listeners) listener(next, previous);
      return next;
    });
    queue = run.then(
      () => undefined,
      (error: unknown) => log.error({ err: String(error) }, 'settings write failed'),
    );
    return run;
  }

  return {
    async load() {
      let raw: string;
      try {
        raw = await fs.readFile(file, 'utf8');
      } catch (error) {
        if (isMissing(error)) {
          current = defaultSettings();
          return { settings: current, notice: null };
        }
        throw error;
      }
      let problem: string;
      try {
        const parsed = settingsSchema.safeParse(JSON.parse(raw));
        if (parsed.success) {
          current = parsed.data;
          return { settings: current, notice: null };
        }
        problem = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      } catch {
        problem = 'not valid JSON';
      }
      const backup = `${file}.corrupt-${deps.now()}`;
      log.warn({ problem, backup }, 'settings file invalid; backed up and reset to defaults');
      await fs.rename(file, backup);
      current = defaultSettings();
      await mutate(() => defaultSettings());
      return {
        settings: current,
        notice: {
          code: 'settings-reset',
          message: 'Your settings file could not be read, so Parley started with default settings.',
          hint: `The old file was kept as ${backup}.`,
        },
      };
    },
    get: () => current,
    update(patch) {
      return mutate((current) => {
        const merged = {
          ...current,
          ...(patch.closeToTray !== undefined && { closeToTray: patch.closeToTray }),
          ...(patch.startOnLogin !== undefined && { startOnLogin: patch.startOnLogin }),
          notifications: { ...current.notifications, ...patch.notifications },
          ptt: { ...current.ptt, ...patch.ptt },
          hotkeys: { ...current.hotkeys, ...patch.hotkeys },
        };
        // Re-validate the merged whole: the patch schema checks fields, this checks the result.
        return settingsSchema.parse(merged);
      });
    },
    async setWindowState(window) {
      await mutate((current) => settingsSchema.parse({ ...current, window }));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
