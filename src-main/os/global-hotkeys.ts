import type { PttDiagnostics, VoiceCommand } from '@shared/ipc/contract';
import type { Settings } from '@shared/ipc/settings';
import type { Log } from '../log';

/**
 * Global mute/deafen hotkeys through Electron's globalShortcut (these are press-only, unlike push-to-talk, so the
 * OS shortcut API is enough and works on Wayland portals too). Re-registers only what changed.
 */

export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

type HotkeyName = keyof Settings['hotkeys'];
type Status = PttDiagnostics['hotkeys'];

const commands: Record<HotkeyName, VoiceCommand['command']> = { toggleMute: 'toggle-mute', toggleDeafen: 'toggle-deafen' };

export function createGlobalHotkeys(deps: { globalShortcut: GlobalShortcutLike; onCommand: (command: VoiceCommand) => void; log: Log }): {
  apply(hotkeys: Settings['hotkeys']): Status;
  dispose(): void;
} {
  const registered = new Map<HotkeyName, string>();
  const status: Status = { toggleMute: 'off', toggleDeafen: 'off' };

  function release(name: HotkeyName): void {
    const accelerator = registered.get(name);
    if (accelerator) deps.globalShortcut.unregister(accelerator);
    registered.delete(name);
  }

  return {
    apply(hotkeys) {
      for (const name of Object.keys(commands) as HotkeyName[]) {
        const wanted = hotkeys[name];
        if (wanted === registered.get(name) || (wanted === null && !registered.has(name) && status[name] === 'off')) continue;
        release(name);
        if (wanted === null) {
          status[name] = 'off';
          continue;
        }
        let ok = false;
        try {
          ok = deps.globalShortcut.register(wanted, () => deps.onCommand({ command: commands[name], source: 'hotkey' }));
        } catch (error) {
          deps.log.warn({ name, accelerator: wanted, err: String(error) }, 'invalid accelerator');
        }
        if (ok) registered.set(name, wanted);
        else deps.log.warn({ name, accelerator: wanted }, 'hotkey unavailable (taken by another app or the OS)');
        status[name] = ok ? 'registered' : 'unavailable';
      }
      return { ...status };
    },
    dispose() {
      for (const name of [...registered.keys()]) release(name);
    },
  };
}
