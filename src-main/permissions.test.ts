import { describe, expect, it } from 'vitest';
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
    ['a foreign origin', q({ url: 'https://evil.example/' })],
    ['a look-alike origin', q({ url: 'app://parley.evil/' })],
    ['a file: page', q({ url: 'file:///tmp/x.html' })],
    ['a subframe', q({ isMainFrame: false })],
    ['the camera', q({ mediaTypes: ['audio', 'video'] })],
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

  it.each(['notifications', 'geolocation', 'display-capture', 'clipboard-read', 'openExternal'])(
    'denies %s even for our origin',
    (permission) => {
      expect(decidePermission(q({ permission }), APP).allow).toBe(false);
    },
  );

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
});
