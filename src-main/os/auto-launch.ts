import type { Log } from '../log';

/**
 * Start on login. macOS/Windows use Electron's login items; Linux has no such API, so we write an XDG autostart
 * entry. Either way Parley starts hidden in the tray (`--hidden`).
 */

export interface LoginItemsLike {
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
}

export interface AutostartFs {
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
}

export function desktopEntry(executable: string): string {
  const quoted = `"${executable.replace(/(["`$\\])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Parley',
    `Exec=${quoted} --hidden`,
    'X-GNOME-Autostart-enabled=true',
    'Terminal=false',
    '',
  ].join('\n');
}

export function createAutoLaunch(deps: {
  platform: NodeJS.Platform;
  loginItems: LoginItemsLike;
  fs: AutostartFs;
  /** ~/.config/autostart (XDG_CONFIG_HOME aware), Linux only. */
  autostartDir: string;
  /** On Linux AppImage: $APPIMAGE, not the temporary mount path. */
  executable: string;
  log: Log;
}): { set(enabled: boolean): Promise<void> } {
  return {
    async set(enabled) {
      deps.log.info({ enabled, platform: deps.platform }, 'start on login');
      if (deps.platform !== 'linux') {
        deps.loginItems.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true, args: ['--hidden'] });
        return;
      }
      const file = `${deps.autostartDir}/parley.desktop`;
      if (!enabled) {
        await deps.fs.rm(file, { force: true });
        return;
      }
      await deps.fs.mkdir(deps.autostartDir, { recursive: true });
      await deps.fs.writeFile(file, desktopEntry(deps.executable), 'utf8');
    },
  };
}
