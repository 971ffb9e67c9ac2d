import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The installers cannot be built on this machine (no Electron binary download), so the config is checked
 * against electron-builder's own JSON schema plus the invariants the desktop issue asks for.
 */

const root = resolve(import.meta.dirname, '../..');
interface BuilderConfig {
  win: { target: Array<{ target: string }> };
  mac: { target: Array<{ target: string }>; hardenedRuntime: boolean; entitlements: string; extendInfo: Record<string, string> };
  linux: { target: Array<{ target: string }> };
  asarUnpack: string[];
  protocols: Array<{ schemes: string[] }>;
  extraResources: Array<{ from: string; to: string }>;
  publish: Array<{ provider: string }>;
}
const config = parse(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const require = createRequire(import.meta.url);

describe('electron-builder.yml', () => {
  it('is valid against electron-builder’s schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5))).toEqual([]);
    expect(ok).toBe(true);
  });

  it('builds NSIS, dmg, AppImage and deb', () => {
    const targets = (os: 'win' | 'mac' | 'linux') => config[os].target.map((t) => t.target);
    expect(targets('win')).toEqual(['nsis']);
    expect(targets('mac')).toEqual(['dmg']);
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
  });

  it('keeps the native key hook out of the asar and registers parley://', () => {
    expect(config.asarUnpack).toContain('node_modules/uiohook-napi/**');
    expect(config.protocols[0]?.schemes).toEqual(['parley']);
  });

  it('signs macOS with the hardened runtime, the microphone entitlement and a usage description', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    const plist = readFileSync(resolve(root, config.mac.entitlements), 'utf8');
    expect(plist).toContain('<key>com.apple.security.device.audio-input</key>');
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/);
  });

  it('lets macOS open the camera under the hardened runtime: the entitlement and a usage description', () => {
    const plist = readFileSync(resolve(root, config.mac.entitlements), 'utf8');
    expect(plist).toContain('<key>com.apple.security.device.camera</key>');
    expect(config.mac.extendInfo.NSCameraUsageDescription).toMatch(/camera/);
  });

  it('ships the tray icons the main process loads, and a publish feed for electron-updater', () => {
    for (const state of ['idle', 'connected', 'muted', 'deafened', 'transmitting']) {
      expect(existsSync(resolve(root, 'build/tray', `tray-${state}.png`)), state).toBe(true);
    }
    expect(config.extraResources[0]).toMatchObject({ from: 'build/tray', to: 'tray' });
    expect(config.publish[0]?.provider).toBeTruthy();
  });
});
