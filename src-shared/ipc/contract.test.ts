import { describe, expect, it } from 'vitest';
import { eventChannels, invokeChannels, listenerPath, methodPath } from './channels';
import { eventContract, invokeContract } from './contract';
import { defaultSettings, settingsPatchSchema, settingsSchema } from './settings';

describe('IPC contract', () => {
  it('has schemas for exactly the channels the preload exposes', () => {
    expect(Object.keys(invokeContract).sort()).toEqual([...invokeChannels].sort());
    expect(Object.keys(eventContract).sort()).toEqual([...eventChannels].sort());
  });

  it('names channels domain:verb in kebab case', () => {
    for (const c of [...invokeChannels, ...eventChannels]) expect(c).toMatch(/^[a-z]+:[a-z]+(-[a-z]+)*$/);
  });

  it('maps channels to bridge members', () => {
    expect(methodPath('ptt:start-rebind')).toEqual(['ptt', 'startRebind']);
    expect(listenerPath('ptt:binding-captured')).toEqual(['ptt', 'onBindingCaptured']);
  });

  it('gives complete defaults and rejects out-of-range values', () => {
    expect(settingsSchema.parse({})).toEqual(defaultSettings());
    expect(defaultSettings().ptt).toMatchObject({ enabled: false, mode: 'hold', releaseDelayMs: 200, binding: null });
    expect(settingsPatchSchema.safeParse({ ptt: { releaseDelayMs: 2001 } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ ptt: { releaseDelayMs: 0 } }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ window: { maximized: true } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ hotkeys: { toggleMute: 'Ctrl+M; rm -rf' } }).success).toBe(false);
  });

  it('accepts only safe invite codes in deep links', () => {
    expect(eventContract['deeplink:open'].safeParse({ kind: 'invite', code: 'AbCd-1234_x' }).success).toBe(true);
    expect(eventContract['deeplink:open'].safeParse({ kind: 'invite', code: '../x' }).success).toBe(false);
  });

  it('lets only image data URLs through as screen-source thumbnails and icons (the picker puts them in <img src>)', () => {
    const source = { id: 'screen:0:0', name: 'Entire Screen', kind: 'screen', appIcon: null };
    const ok = (thumbnail: unknown) =>
      eventContract['screen:pick-source'].safeParse({ requestId: 'r', audioSupported: false, sources: [{ ...source, thumbnail }] }).success;
    expect(ok('data:image/jpeg;base64,AQID')).toBe(true);
    expect(ok(null)).toBe(true);
    expect(ok('javascript:alert(1)')).toBe(false);
    expect(ok('https://evil.example/x.png')).toBe(false);
    expect(ok('data:text/html;base64,PGI+')).toBe(false);
    expect(ok('data:image/svg+xml;base64,PHN2Zz4=')).toBe(false);
  });
});
