import { describe, expect, it } from 'vitest';
import type { VoiceState } from '@shared/ipc/contract';
import type { TrayAction, TrayLike, TrayMenuItem } from './tray';
import { createTray, trayIconState } from './tray';

const voice = (over: Partial<VoiceState> = {}): VoiceState => ({
  connected: true,
  muted: false,
  deafened: false,
  speaking: false,
  channelName: 'General',
  listeningOnly: false,
  ...over,
});

function setup() {
  const calls: string[] = [];
  const actions: TrayAction[] = [];
  const listeners = new Set<() => void>();
  let menu: TrayMenuItem[] = [];
  const tray: TrayLike<string, TrayMenuItem[]> = {
    setImage: (i) => calls.push(`image:${i}`),
    setToolTip: (t) => calls.push(`tooltip:${t}`),
    setContextMenu: (m) => {
      calls.push('menu');
      menu = m ?? [];
    },
    on: (_e, l) => listeners.add(l),
    removeListener: (_e, l) => listeners.delete(l),
    destroy: () => calls.push('destroy'),
  };
  const t = createTray<string, TrayMenuItem[]>({
    createTrayInstance: (image) => {
      calls.push(`create:${image}`);
      return tray;
    },
    buildMenu: (template) => template,
    icon: (state) => `tray-${state}.png`,
    onAction: (a) => actions.push(a),
  });
  const item = (id: string) => menu.find((m) => m.id === id)!;
  return { t, calls, actions, listeners, item, menu: () => menu };
}

describe('tray', () => {
  it.each([
    [{ voice: voice({ connected: false }), transmitting: false }, 'idle'],
    [{ voice: voice(), transmitting: false }, 'connected'],
    [{ voice: voice(), transmitting: true }, 'transmitting'],
    [{ voice: voice({ speaking: true }), transmitting: false }, 'transmitting'],
    [{ voice: voice({ muted: true }), transmitting: true }, 'muted'],
    [{ voice: voice({ muted: true, deafened: true }), transmitting: false }, 'deafened'],
    [{ voice: voice({ listeningOnly: true }), transmitting: true }, 'muted'],
    [{ voice: voice({ listeningOnly: true, deafened: true }), transmitting: false }, 'deafened'],
  ])('icon state for %o is %s', (input, state) => {
    expect(trayIconState(input)).toBe(state);
  });

  it('when created, then it shows the idle icon and a menu where voice actions are disabled', () => {
    const { calls, item } = setup();
    expect(calls[0]).toBe('create:tray-idle.png');
    expect(item('status').label).toBe('Not in voice');
    expect([item('mute').enabled, item('deafen').enabled, item('disconnect').enabled]).toEqual([false, false, false]);
  });

  it('when the renderer reports muted in voice, then icon, tooltip and checked menu item follow', () => {
    const { t, calls, item } = setup();
    calls.length = 0;
    t.update({ voice: voice({ muted: true }), transmitting: false });
    expect(calls).toEqual(['image:tray-muted.png', 'tooltip:Parley — muted', 'menu']);
    expect(item('mute').checked).toBe(true);
    expect(item('status').label).toBe('In voice: General');
  });

  it('when in voice without a microphone, then icon, tooltip and status say nobody hears us, also with push-to-talk held', () => {
    const { t, calls, item } = setup();
    calls.length = 0;
    t.update({ voice: voice({ listeningOnly: true }), transmitting: true });
    expect(calls).toEqual(['image:tray-muted.png', 'tooltip:Parley — listening only, no microphone', 'menu']);
    expect(item('status').label).toBe('In voice: General (listening only, no microphone)');
    expect(item('mute').checked).toBe(false);
    // Muted as well: still said (the tooltip is where it shows on hover).
    t.update({ voice: voice({ listeningOnly: true, muted: true }), transmitting: false });
    expect(calls.slice(3)).toEqual(['menu']);
    expect(item('mute').checked).toBe(true);
    calls.length = 3;
    // The microphone found: back to transmitting.
    t.update({ voice: voice(), transmitting: true });
    expect(calls.slice(3)).toEqual(['image:tray-transmitting.png', 'tooltip:Parley — transmitting', 'menu']);
  });

  it('when nothing visible changed, then the native tray is not touched', () => {
    const { t, calls } = setup();
    t.update({ voice: voice(), transmitting: false });
    calls.length = 0;
    t.update({ voice: voice(), transmitting: false });
    expect(calls).toEqual([]);
  });

  it('when push-to-talk flickers, then only the icon changes, the menu is not rebuilt', () => {
    const { t, calls } = setup();
    t.update({ voice: voice(), transmitting: false });
    calls.length = 0;
    t.update({ voice: voice(), transmitting: true });
    t.update({ voice: voice(), transmitting: false });
    expect(calls).toEqual([
      'image:tray-transmitting.png',
      'tooltip:Parley — transmitting',
      'image:tray-connected.png',
      'tooltip:Parley — in voice',
    ]);
  });

  it('when menu items are clicked, then the actions go out; clicking the icon shows the window', () => {
    const { t, actions, item, listeners } = setup();
    t.update({ voice: voice(), transmitting: false });
    for (const id of ['mute', 'deafen', 'disconnect', 'show', 'quit']) item(id).click!();
    for (const l of listeners) l();
    expect(actions).toEqual(['toggle-mute', 'toggle-deafen', 'disconnect', 'show', 'quit', 'show']);
  });

  it('when a call rings, then the tray shows the ringing icon, who calls, and Accept / Decline; when it stops, the voice state is back', () => {
    const { t, calls, actions, item, menu } = setup();
    t.update({ voice: voice(), transmitting: false });
    calls.length = 0;
    t.update({ voice: voice(), transmitting: false, ringing: { callId: 'k1', callerName: 'Alice', waiting: false } });
    expect(calls).toEqual(['image:tray-ringing.png', 'tooltip:Parley — call from Alice', 'menu']);
    expect(item('ringing').label).toBe('Incoming call: Alice');
    item('accept-call').click!();
    item('decline-call').click!();
    expect(actions).toEqual(['accept-call', 'decline-call']);
    calls.length = 0;
    t.update({ voice: voice(), transmitting: false, ringing: null });
    expect(calls).toEqual(['image:tray-connected.png', 'tooltip:Parley — in voice', 'menu']);
    expect(menu().some((m) => m.id === 'ringing')).toBe(false);
  });

  it('when destroyed, then the listener is removed and later updates are ignored', () => {
    const { t, calls, listeners } = setup();
    t.destroy();
    t.update({ voice: voice({ muted: true }), transmitting: false });
    expect(listeners.size).toBe(0);
    expect(calls.at(-1)).toBe('destroy');
  });
});
