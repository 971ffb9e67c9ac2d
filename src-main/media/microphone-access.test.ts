import { describe, expect, it, vi } from 'vitest';
import type { Log } from '../log';
import { createMediaAccess } from './microphone-access';

const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('OS microphone permission', () => {
  it('on macOS, asks through systemPreferences and reports the resulting status', async () => {
    const sp = { getMediaAccessStatus: vi.fn(() => 'not-determined'), askForMediaAccess: vi.fn(async () => true) };
    const access = createMediaAccess({ platform: 'darwin', systemPreferences: sp, log: silent });
    expect(access.status()).toBe('not-determined');
    sp.getMediaAccessStatus.mockReturnValue('granted');
    await expect(access.request()).resolves.toEqual({ granted: true, status: 'granted' });
    expect(sp.askForMediaAccess).toHaveBeenCalledWith('microphone');
  });

  it('on Linux, there is no OS prompt: the permission table decides', async () => {
    const sp = { getMediaAccessStatus: vi.fn(), askForMediaAccess: vi.fn() };
    const access = createMediaAccess({ platform: 'linux', systemPreferences: sp, log: silent });
    await expect(access.request()).resolves.toEqual({ granted: true, status: 'granted' });
    expect(sp.askForMediaAccess).not.toHaveBeenCalled();
  });

  it('on Windows, a denied privacy switch is reported', async () => {
    const sp = { getMediaAccessStatus: vi.fn(() => 'denied'), askForMediaAccess: vi.fn() };
    const access = createMediaAccess({ platform: 'win32', systemPreferences: sp, log: silent });
    await expect(access.request()).resolves.toEqual({ granted: false, status: 'denied' });
  });
});
