import { describe, expect, it, vi } from 'vitest';
import type { CallCommand } from '@shared/ipc/contract';
import { createCallRinging, type RingingNotificationLike, type RingingNotificationOptions } from './call-ringing';

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn(), child: () => log } as never;

class FakeNotification implements RingingNotificationLike {
  shown = false;
  closed = false;
  private readonly listeners = new Map<string, Array<(arg?: unknown) => void>>();
  constructor(readonly options: RingingNotificationOptions) {}
  on(event: 'click', listener: () => void): this;
  on(event: 'action', listener: (details: { actionIndex: number }) => void): this;
  on(event: string, listener: (details: never) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as (arg?: unknown) => void]);
    return this;
  }
  show() {
    this.shown = true;
  }
  close() {
    this.closed = true;
  }
  emit(event: string, arg?: unknown) {
    for (const l of this.listeners.get(event) ?? []) l(arg);
  }
}

function setup(opts: { enabled?: boolean; supported?: boolean; focused?: boolean } = {}) {
  const notifications: FakeNotification[] = [];
  const tray: unknown[] = [];
  const flashes: boolean[] = [];
  const commands: CallCommand[] = [];
  const ringing = createCallRinging({
    isSupported: () => opts.supported ?? true,
    createNotification: (o) => {
      const n = new FakeNotification(o);
      notifications.push(n);
      return n;
    },
    enabled: () => opts.enabled ?? true,
    isWindowFocused: () => opts.focused ?? false,
    setTrayRinging: (r) => tray.push(r),
    flashFrame: (f) => flashes.push(f),
    onCommand: (c) => commands.push(c),
    log,
  });
  return { ringing, notifications, tray, flashes, commands };
}

const alice = { callId: 'k1', callerName: 'Alice', waiting: false };

describe('call ringing (main)', () => {
  it('when a call starts ringing, then one silent notification with Accept/Decline shows, the tray rings and the frame flashes', () => {
    const { ringing, notifications, tray, flashes } = setup();
    expect(ringing.set(alice)).toEqual({ notified: true });
    expect(notifications).toHaveLength(1);
    expect(notifications[0]!.options).toMatchObject({
      title: 'Incoming call',
      body: 'Alice is calling you',
      silent: true,
      actions: [{ text: 'Accept' }, { text: 'Decline' }],
    });
    expect(notifications[0]!.shown).toBe(true);
    expect(tray).toEqual([alice]);
    expect(flashes).toEqual([true]);
  });

  it('when the renderer reports the same call again, then nothing is shown twice', () => {
    const { ringing, notifications, tray } = setup();
    ringing.set(alice);
    expect(ringing.set({ ...alice })).toEqual({ notified: true });
    expect(notifications).toHaveLength(1);
    expect(tray).toHaveLength(1);
  });

  it('when the ringing stops (answered elsewhere, declined, missed), then the notification closes, the tray and frame go back', () => {
    const { ringing, notifications, tray, flashes } = setup();
    ringing.set(alice);
    expect(ringing.set(null)).toEqual({ notified: false });
    expect(notifications[0]!.closed).toBe(true);
    expect(tray.at(-1)).toBeNull();
    expect(flashes).toEqual([true, false]);
    expect(ringing.current()).toBeNull();
  });

  it('when the notification is clicked or its buttons pressed, then the renderer gets show / accept / decline for that call', () => {
    const { ringing, notifications, commands } = setup();
    ringing.set(alice);
    const n = notifications[0]!;
    n.emit('click');
    n.emit('action', { actionIndex: 0 });
    n.emit('action', { actionIndex: 1 });
    expect(commands).toEqual([
      { command: 'show', callId: 'k1' },
      { command: 'accept', callId: 'k1' },
      { command: 'decline', callId: 'k1' },
    ]);
  });

  it('when an old notification is clicked after its call stopped ringing, then nothing is sent', () => {
    const { ringing, notifications, commands } = setup();
    ringing.set(alice);
    ringing.set({ callId: 'k2', callerName: 'Bob', waiting: true });
    notifications[0]!.emit('action', { actionIndex: 0 });
    expect(commands).toEqual([]);
    expect(notifications[0]!.closed).toBe(true);
    expect(notifications[1]!.options.title).toBe('Call waiting');
  });

  it.each<[{ enabled?: boolean; supported?: boolean; focused?: boolean }, string]>([
    [{ enabled: false }, 'notifications off'],
    [{ supported: false }, 'no notification support'],
    [{ focused: true }, 'the window is focused: the in-app window shows'],
  ])('when %o (%s), then the tray still rings but no notification shows', (opts) => {
    const { ringing, notifications, tray } = setup(opts);
    expect(ringing.set(alice)).toEqual({ notified: false });
    expect(notifications).toHaveLength(0);
    expect(tray).toEqual([alice]);
  });

  it('when disposed while ringing, then everything stops', () => {
    const { ringing, notifications, tray, flashes } = setup();
    ringing.set(alice);
    ringing.dispose();
    expect(notifications[0]!.closed).toBe(true);
    expect(tray.at(-1)).toBeNull();
    expect(flashes.at(-1)).toBe(false);
  });
});
