import { describe, expect, it, vi } from 'vitest';
import type { Log } from './log';
import type { PermissionQuery, PermissionSession } from './permissions';
import { decidePermission, installPermissionHandlers, permissionTable } from './permissions';

const APP = 'app://parley';
const q = (over: Partial<PermissionQuery>): PermissionQuery => ({
  permission: 'media',
  url: `${APP}/index.html`,
  isMainFrame: true,
  mediaTypes: ['audio'],
  ...over,
});

describe('permission table', () => {
  it('when our main frame asks for the microphone, then it is granted', () => {
    expect(decidePermission(q({}), APP)).toEqual({ allow: true, reason: 'microphone for voice channels' });
  });

  it.each([
    ['the camera', ['video'] as const, 'camera for video in voice channels and calls'],
    ['microphone and camera', ['audio', 'video'] as const, 'microphone and camera for voice and video'],
  ])('when our main frame asks for %s, then it is granted', (_name, mediaTypes, reason) => {
    expect(decidePermission(q({ mediaTypes: [...mediaTypes] }), APP)).toEqual({ allow: true, reason });
  });

  it('when our main frame asks for screen capture, then it is granted (the picker chooses what); others are refused', () => {
    expect(decidePermission(q({ permission: 'display-capture', mediaTypes: [] }), APP).allow).toBe(true);
    expect(decidePermission(q({ permission: 'display-capture', url: 'https://evil.example/' }), APP).allow).toBe(false);
    expect(decidePermission(q({ permission: 'display-capture', isMainFrame: false }), APP).allow).toBe(false);
  });

  it.each([
    ['a foreign origin', q({ url: 'https://evil.example/' })],
    ['a look-alike origin', q({ url: 'app://parley.evil/' })],
    ['a file: page', q({ url: 'file:///tmp/x.html' })],
    ['a subframe', q({ isMainFrame: false })],
    ['the camera from a foreign origin', q({ url: 'https://evil.example/', mediaTypes: ['video'] })],
    ['the camera from a subframe', q({ isMainFrame: false, mediaTypes: ['video'] })],
    ['unknown media', q({ mediaTypes: ['unknown'] })],
    ['unspecified media', q({ mediaTypes: [] })],
  ])('when %s asks for media, then it is denied with a reason', (_name, query) => {
    const d = decidePermission(query, APP);
    expect(d.allow).toBe(false);
    expect(d.reason.length).toBeGreaterThan(10);
  });

  it('denies everything not in the table', () => {
    expect(decidePermission(q({ permission: 'bluetooth-scanning' }), APP)).toEqual({ allow: false, reason: 'not in the permission table' });
  });

  it('gives every entry a reason, and grants nothing to foreign origins', () => {
    for (const [permission, rule] of Object.entries(permissionTable)) {
      const foreign = rule(q({ permission, url: 'https://evil.example' }), false);
      expect(foreign.allow, permission).toBe(false);
      expect(foreign.reason, permission).not.toBe('');
    }
  });

  it.each(['notifications', 'geolocation', 'clipboard-read', 'openExternal'])('denies %s even for our origin', (permission) => {
    expect(decidePermission(q({ permission }), APP).allow).toBe(false);
  });

  it('installs request, check and device handlers that follow the table and log each decision', () => {
    const logged: Array<Record<string, unknown>> = [];
    const log: Log = { debug() {}, info: (o) => logged.push(o as Record<string, unknown>), warn() {}, error() {}, child: () => log };
    let request: Parameters<PermissionSession['setPermissionRequestHandler']>[0] | null = null;
    let check: Parameters<PermissionSession['setPermissionCheckHandler']>[0] | null = null;
    let device: (() => boolean) | null = null;
    installPermissionHandlers(
      {
        setPermissionRequestHandler: (h) => (request = h),
        setPermissionCheckHandler: (h) => (check = h),
        setDevicePermissionHandler: (h) => (device = h),
      },
      { appOrigin: APP, log },
    );
    const granted: boolean[] = [];
    request!(null, 'media', (g) => granted.push(g), { requestingUrl: `${APP}/`, isMainFrame: true, mediaTypes: ['audio'] });
    request!(null, 'geolocation', (g) => granted.push(g), { requestingUrl: `${APP}/`, isMainFrame: true });
    expect(granted).toEqual([true, false]);
    expect(logged.map((l) => [l.permission, l.allow])).toEqual([
      ['media', true],
      ['geolocation', false],
    ]);
    expect(check!(null, 'media', APP, { mediaType: 'audio', isMainFrame: true })).toBe(true);
    expect(check!(null, 'media', 'https://evil.example', { mediaType: 'audio', isMainFrame: true })).toBe(false);
    expect(device!()).toBe(false);
  });

  it('when the camera is granted by the table, then the OS camera permission is asked first and decides', async () => {
    let request: Parameters<PermissionSession['setPermissionRequestHandler']>[0] | null = null;
    let osAnswer = true;
    const ensureCamera = vi.fn(async () => osAnswer);
    const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
    installPermissionHandlers(
      {
        setPermissionRequestHandler: (h) => (request = h),
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
      },
      { appOrigin: APP, log: silent, ensureCamera },
    );
    const ask = (mediaTypes: Array<'audio' | 'video'>, url = `${APP}/`) =>
      new Promise<boolean>((done) => request!(null, 'media', done, { requestingUrl: url, isMainFrame: true, mediaTypes }));
    await expect(ask(['audio'])).resolves.toBe(true);
    expect(ensureCamera).not.toHaveBeenCalled();
    await expect(ask(['video'])).resolves.toBe(true);
    osAnswer = false;
    await expect(ask(['audio', 'video'])).resolves.toBe(false);
    expect(ensureCamera).toHaveBeenCalledTimes(2);
    // A foreign page never even reaches the OS prompt.
    await expect(ask(['video'], 'https://evil.example/')).resolves.toBe(false);
    expect(ensureCamera).toHaveBeenCalledTimes(2);
  });
});
