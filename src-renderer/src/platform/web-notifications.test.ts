import { describe, expect, it, vi } from 'vitest';
import { createWebNotifier } from './web-notifications';

function fakeNotification(permission: string, answer = permission) {
  const shown: { title: string; options: unknown; instance: N }[] = [];
  class N {
    static permission = permission;
    static requestPermission = vi.fn(async () => {
      N.permission = answer;
      return answer;
    });
    click: (() => void) | null = null;
    close = vi.fn();
    addEventListener(_type: 'click', listener: () => void) {
      this.click = listener;
    }
    constructor(title: string, options?: unknown) {
      shown.push({ title, options, instance: this });
    }
  }
  return { N, shown };
}

const target = { title: 'A in #general', body: 'hi', guildId: 'g', channelId: 'c', messageId: 'm' };

describe('web notifier', () => {
  it('when permission was not granted, then nothing is shown and nothing is asked by showing', () => {
    const { N, shown } = fakeNotification('default');
    const notifier = createWebNotifier({ ctor: () => N, focusWindow: () => undefined });
    expect(notifier.show(target)).toBe(false);
    expect(shown).toEqual([]);
    expect(N.requestPermission).not.toHaveBeenCalled();
  });

  it('when the user grants permission, then a notification shows, and its click focuses the window and opens the channel', async () => {
    const { N, shown } = fakeNotification('default', 'granted');
    const focusWindow = vi.fn();
    const notifier = createWebNotifier({ ctor: () => N, focusWindow });
    const opened = vi.fn();
    notifier.onClick(opened);
    expect(await notifier.request()).toBe('granted');
    expect(notifier.show(target)).toBe(true);
    expect(shown[0]).toMatchObject({ title: 'A in #general', options: { body: 'hi', tag: 'parley:c' } });
    shown[0]?.instance.click?.();
    expect(focusWindow).toHaveBeenCalled();
    expect(opened).toHaveBeenCalledWith({ guildId: 'g', channelId: 'c' });
  });

  it('when the browser has no Notification API, then permission is unsupported', async () => {
    const notifier = createWebNotifier({ ctor: () => undefined, focusWindow: () => undefined });
    expect(notifier.permission()).toBe('unsupported');
    expect(await notifier.request()).toBe('unsupported');
    expect(notifier.show(target)).toBe(false);
  });
});

describe('web notifier: a ringing call', () => {
  const call = { callId: 'call1', callerName: 'Alice', waiting: false };

  it('when a call rings while the tab is out of view, then a lasting notification names the caller and closes when it stops', () => {
    const { N, shown } = fakeNotification('granted');
    const focusWindow = vi.fn();
    const notifier = createWebNotifier({ ctor: () => N, focusWindow, inView: () => false });
    notifier.ring(call);
    notifier.ring(call);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({
      title: 'Incoming call',
      options: { body: 'Alice is calling you', tag: 'parley-call:call1', requireInteraction: true },
    });
    notifier.ring(null);
    expect(shown[0]?.instance.close).toHaveBeenCalled();
  });

  it('when another call rings, then the first one is closed and the new one shown; a click brings the tab forward', () => {
    const { N, shown } = fakeNotification('granted');
    const focusWindow = vi.fn();
    const notifier = createWebNotifier({ ctor: () => N, focusWindow, inView: () => false });
    notifier.ring(call);
    notifier.ring({ callId: 'call2', callerName: 'Bob', waiting: true });
    expect(shown[0]?.instance.close).toHaveBeenCalled();
    expect(shown[1]).toMatchObject({ title: 'Call waiting', options: { body: 'Bob is calling you' } });
    shown[1]?.instance.click?.();
    expect(focusWindow).toHaveBeenCalled();
  });

  it('when the tab is in view or notifications are not allowed, then nothing is shown', () => {
    const allowed = fakeNotification('granted');
    createWebNotifier({ ctor: () => allowed.N, focusWindow: () => undefined, inView: () => true }).ring(call);
    expect(allowed.shown).toEqual([]);
    const refused = fakeNotification('denied');
    createWebNotifier({ ctor: () => refused.N, focusWindow: () => undefined, inView: () => false }).ring(call);
    expect(refused.shown).toEqual([]);
  });
});
