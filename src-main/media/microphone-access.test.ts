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

  it('on macOS, the camera prompt is shown once when not determined; a denied camera stays denied without a prompt', async () => {
    const sp = { getMediaAccessStatus: vi.fn(() => 'not-determined'), askForMediaAccess: vi.fn(async () => true) };
    const access = createMediaAccess({ platform: 'darwin', systemPreferences: sp, log: silent });
    await expect(access.ensureCamera()).resolves.toBe(true);
    expect(sp.askForMediaAccess).toHaveBeenCalledWith('camera');
    sp.getMediaAccessStatus.mockReturnValue('granted');
    await expect(access.ensureCamera()).resolves.toBe(true);
    sp.getMediaAccessStatus.mockReturnValue('denied');
    await expect(access.ensureCamera()).resolves.toBe(false);
    expect(sp.askForMediaAccess).toHaveBeenCalledOnce();
  });

  it('on Linux and Windows, the camera needs no OS prompt', async () => {
    for (const platform of ['linux', 'win32'] as const) {
      const sp = { getMediaAccessStatus: vi.fn(() => 'denied'), askForMediaAccess: vi.fn() };
      await expect(createMediaAccess({ platform, systemPreferences: sp, log: silent }).ensureCamera()).resolves.toBe(true);
      expect(sp.askForMediaAccess).not.toHaveBeenCalled();
    }
  });
});
