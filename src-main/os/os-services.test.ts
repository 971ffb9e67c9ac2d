import { describe, expect, it, vi } from 'vitest';
import type { VoiceCommand } from '@shared/ipc/contract';
import type { Log } from '../log';
import { createAutoLaunch, desktopEntry } from './auto-launch';
import { createGlobalHotkeys } from './global-hotkeys';
import type { Mention, NotificationLike } from './notifications';
import { createMentionNotifier } from './notifications';

const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const mention: Mention = { title: 'ana in #general', body: '@you look', guildId: 'g1', channelId: 'c1', messageId: 'm1' };

describe('mention notifications', () => {
  function setup(o: { focused?: boolean; enabled?: boolean; supported?: boolean } = {}) {
    const created: Array<NotificationLike & { click(): void; shown: boolean }> = [];
    const clicked: Mention[] = [];
    const notifier = createMentionNotifier({
      isSupported: () => o.supported ?? true,
      isWindowFocused: () => o.focused ?? false,
      enabled: () => o.enabled ?? true,
      onClick: (m) => clicked.push(m),
      createNotification: () => {
        let onClick = () => {};
        const n = { shown: false, on: (_e: 'click', l: () => void) => (onClick = l), show: () => (n.shown = true), click: () => onClick() };
        created.push(n);
        return n;
      },
    });
    return { notifier, created, clicked };
  }

  it('when the window is not focused, then a native notification is shown and its click routes to the message', () => {
    const { notifier, created, clicked } = setup();
    expect(notifier.show(mention)).toEqual({ shown: true, reason: 'shown' });
    expect(created[0]?.shown).toBe(true);
    created[0]?.click();
    expect(clicked).toEqual([mention]);
  });

  it.each([
    [{ focused: true }, 'focused'],
    [{ enabled: false }, 'disabled'],
    [{ supported: false }, 'unsupported'],
  ] as const)('when %o, then nothing is shown (%s)', (o, reason) => {
    const { notifier, created } = setup(o);
    expect(notifier.show(mention)).toEqual({ shown: false, reason });
    expect(created).toHaveLength(0);
  });
});

describe('global mute/deafen hotkeys', () => {
  function setup(taken: string[] = []) {
    const registered = new Map<string, () => void>();
    const commands: VoiceCommand[] = [];
    const shortcut = {
      register: vi.fn((acc: string, cb: () => void) => {
        if (taken.includes(acc)) return false;
        registered.set(acc, cb);
        return true;
      }),
      unregister: vi.fn((acc: string) => registered.delete(acc)),
    };
    const hotkeys = createGlobalHotkeys({ globalShortcut: shortcut, onCommand: (c) => commands.push(c), log: silent });
    return { hotkeys, registered, commands, shortcut };
  }

  it('when applied, then both hotkeys are registered and pressing them sends voice commands', () => {
    const { hotkeys, registered, commands } = setup();
    expect(hotkeys.apply({ toggleMute: 'Ctrl+Shift+M', toggleDeafen: 'Ctrl+Shift+D' })).toEqual({
      toggleMute: 'registered',
      toggleDeafen: 'registered',
    });
    registered.get('Ctrl+Shift+M')!();
    registered.get('Ctrl+Shift+D')!();
    expect(commands).toEqual([
      { command: 'toggle-mute', source: 'hotkey' },
      { command: 'toggle-deafen', source: 'hotkey' },
    ]);
  });

  it('when an accelerator is taken by another app, then it is reported unavailable', () => {
    const { hotkeys } = setup(['Ctrl+Shift+D']);
    expect(hotkeys.apply({ toggleMute: 'Ctrl+Shift+M', toggleDeafen: 'Ctrl+Shift+D' }).toggleDeafen).toBe('unavailable');
  });

  it('when re-applied unchanged, then nothing is re-registered; when changed or cleared, the old one is released', () => {
    const { hotkeys, shortcut, registered } = setup();
    hotkeys.apply({ toggleMute: 'Ctrl+Shift+M', toggleDeafen: null });
    hotkeys.apply({ toggleMute: 'Ctrl+Shift+M', toggleDeafen: null });
    expect(shortcut.register).toHaveBeenCalledTimes(1);
    expect(hotkeys.apply({ toggleMute: 'Alt+M', toggleDeafen: null }).toggleMute).toBe('registered');
    expect([...registered.keys()]).toEqual(['Alt+M']);
    expect(hotkeys.apply({ toggleMute: null, toggleDeafen: null }).toggleMute).toBe('off');
    expect(registered.size).toBe(0);
  });

  it('when disposed, then every hotkey is released', () => {
    const { hotkeys, registered } = setup();
    hotkeys.apply({ toggleMute: 'Ctrl+Shift+M', toggleDeafen: 'Ctrl+Shift+D' });
    hotkeys.dispose();
    expect(registered.size).toBe(0);
  });
});

describe('start on login', () => {
  function setup(platform: NodeJS.Platform) {
    const files = new Map<string, string>();
    const loginItems = { setLoginItemSettings: vi.fn() };
    const auto = createAutoLaunch({
      platform,
      loginItems,
      autostartDir: '/home/u/.config/autostart',
      executable: '/home/u/Apps/Parley "beta".AppImage',
      log: silent,
      fs: {
        writeFile: async (p, d) => void files.set(p, d),
        rm: async (p) => void files.delete(p),
        mkdir: async () => undefined,
      },
    });
    return { auto, files, loginItems };
  }

  it('on Linux, writes and removes an XDG autostart entry that starts hidden', async () => {
    const { auto, files } = setup('linux');
    await auto.set(true);
    const entry = files.get('/home/u/.config/autostart/parley.desktop');
    expect(entry).toContain('Exec="/home/u/Apps/Parley \\"beta\\".AppImage" --hidden');
    await auto.set(false);
    expect(files.size).toBe(0);
  });

  it('on macOS and Windows, uses login items with --hidden', async () => {
    const { auto, loginItems } = setup('win32');
    await auto.set(true);
    expect(loginItems.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, openAsHidden: true, args: ['--hidden'] });
  });

  it('escapes shell-significant characters in Exec', () => {
    expect(desktopEntry('/x/$HOME`id`')).toContain('Exec="/x/\\$HOME\\`id\\`" --hidden');
  });
});
