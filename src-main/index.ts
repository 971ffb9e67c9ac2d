import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, BrowserWindow as BrowserWindowType, NativeImage } from 'electron';
import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  desktopCapturer,
  globalShortcut,
  ipcMain,
  nativeImage,
  net,
  powerMonitor,
  protocol,
  screen,
  session,
  shell,
  systemPreferences,
  webContents,
} from 'electron';
import type * as ElectronUpdater from 'electron-updater';
import type * as UiohookModule from 'uiohook-napi';
import type { VoiceState } from '@shared/ipc/contract';
import { createLaunchHandlers, parseLaunchArgs, PROTOCOL } from './app/launch-args';
import { createQuitCoordinator } from './app/quit';
import { createUpdater } from './app/updater';
import { createVoiceStateHub } from './app/voice-state';
import { systemClock } from './clock';
import { createIpcHandlers } from './ipc/handlers';
import { createRendererEvents, createSenderCheck, registerIpc } from './ipc/register';
import { createRootLog } from './log';
import { createMediaAccess } from './media/microphone-access';
import { createScreenPicker } from './media/screen-picker';
import { createAutoLaunch } from './os/auto-launch';
import { createCallRinging } from './os/call-ringing';
import { createGlobalHotkeys } from './os/global-hotkeys';
import { detectHookSupport, fallbackCommands } from './os/hook-support';
import { createExternalLinks } from './os/external-links';
import { createMentionNotifier } from './os/notifications';
import { createPushToTalk } from './os/push-to-talk';
import { createTray } from './os/tray';
import { createUiohookInput } from './os/uiohook-input';
import { canReachX11 } from './os/x11-probe';
import { installPermissionHandlers } from './permissions';
import { createSettingsStore } from './settings/store';
import { appSchemePrivileges, createAppProtocolHandler } from './windows/app-protocol';
import { createMainWindow } from './windows/main-window';
import { originOf, PACKAGED_APP_ORIGIN } from './windows/origin';
import { buildCsp, createNavigationPolicy, guardWebContents } from './windows/web-security';

/**
 * Parley's main process, top to bottom: single-instance lock → privileged scheme → ready → settings → security →
 * services → IPC → window → tray. Every behaviour lives in a module under src-main; this file only connects them.
 */

const log = createRootLog(process.env.PARLEY_LOG_LEVEL ?? 'info');
// electron-vite sets ELECTRON_RENDERER_URL in `npm run dev` only; an empty value means "not set".
const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
const appOrigin = (devServerUrl ? originOf(devServerUrl) : null) ?? PACKAGED_APP_ORIGIN;
const rendererUrl = devServerUrl ?? `${PACKAGED_APP_ORIGIN}/index.html`;
const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererRoot = fileURLToPath(new URL('../renderer', import.meta.url));
// The command users bind in their compositor; on AppImage the stable path is $APPIMAGE, not the mount point.
const executable = process.env.APPIMAGE ?? (app.isPackaged ? process.execPath : 'parley');
// Tests and portable setups point userData elsewhere; must happen before anything reads it.
if (process.env.PARLEY_USER_DATA) app.setPath('userData', resolve(process.env.PARLEY_USER_DATA));

const launch = parseLaunchArgs(process.argv);
if (!app.requestSingleInstanceLock()) {
  // The running instance receives our argv through 'second-instance'.
  app.quit();
} else if (launch.ptt) {
  // `parley --ptt=…` with no running instance: starting the whole app on a key press would be wrong.
  log.warn({ ptt: launch.ptt }, '--ptt given but Parley is not running');
  app.quit();
} else {
  // Sandbox every renderer, including any created by code paths we did not write.
  app.enableSandbox();
  // Wayland: mute/deafen hotkeys go through the desktop's GlobalShortcuts portal (Electron's globalShortcut docs).
  if (process.platform === 'linux') app.commandLine.appendSwitch('enable-features', 'GlobalShortcutsPortal');
  protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient(PROTOCOL, process.execPath, [resolve(process.argv[1])]);
  else app.setAsDefaultProtocolClient(PROTOCOL);
  start().catch((error: unknown) => {
    log.error({ err: error instanceof Error ? error.stack : String(error) }, 'startup failed');
    app.exit(1);
  });
}

async function start(): Promise<void> {
  let mainWindow: BrowserWindowType | null = null;
  // The tray comes after the window; until then there is nothing to refresh.
  let refreshTray = (): void => {};
  let showWindow = (): void => {};
  const pendingOpenUrls: string[] = [];
  // macOS delivers deep links through open-url, possibly before ready.
  let handleOpenUrl = (url: string): void => void pendingOpenUrls.push(url);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleOpenUrl(url);
  });

  await app.whenReady();

  const settings = createSettingsStore({
    fs: { readFile, writeFile, rename, mkdir },
    dir: app.getPath('userData'),
    log: log.child({ module: 'settings' }),
    now: () => Date.now(),
  });
  const loaded = await settings.load();

  const events = createRendererEvents({
    targets: () => (mainWindow && !mainWindow.isDestroyed() ? [mainWindow.webContents] : []),
    log: log.child({ module: 'ipc' }),
  });
  if (loaded.notice) events.emit('app:notice', loaded.notice);

  // Security: CSP, permissions, our scheme.
  const media = createMediaAccess({ platform: process.platform, systemPreferences, log: log.child({ module: 'media' }) });
  installPermissionHandlers(session.defaultSession, {
    appOrigin,
    log: log.child({ module: 'permissions' }),
    ensureCamera: () => media.ensureCamera(),
  });
  const csp = buildCsp({ devServerOrigin: devServerUrl ? appOrigin : null });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    if (originOf(details.url) === appOrigin) headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  protocol.handle(
    appSchemePrivileges.scheme,
    createAppProtocolHandler({ root: rendererRoot, csp, fetchFile: (path) => net.fetch(pathToFileURL(path).toString()) }),
  );
  const navigation = createNavigationPolicy({
    appOrigin,
    externalAllowlist: ['https://github.com', 'https://livekit.io'],
    openExternal: (url) => shell.openExternal(url),
    log: log.child({ module: 'navigation' }),
  });
  // Every webContents, including any we did not create ourselves.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, navigation));

  // Services.
  const voice = createVoiceStateHub(systemClock);
  const require = createRequire(import.meta.url);
  const ptt = createPushToTalk({
    loadHook: () => createUiohookInput((require('uiohook-napi') as typeof UiohookModule).uIOhook),
    detectSupport: () =>
      detectHookSupport({
        platform: process.platform,
        env: process.env,
        canReachX11: (display) => canReachX11(display),
        // `true` shows macOS's own "grant Accessibility" prompt when it is missing: detection runs when the user
        // turns push-to-talk on, which is exactly when they want to be asked.
        isTrustedAccessibilityClient: () => process.platform !== 'darwin' || systemPreferences.isTrustedAccessibilityClient(true),
        executable,
      }),
    clock: systemClock,
    log: log.child({ module: 'ptt' }),
    fallbackCommands: fallbackCommands(executable),
    onState: (state) => {
      events.emit('ptt:state', state);
      refreshTray();
    },
    onDiagnostics: (d) => events.emit('ptt:diagnostics', d),
    onCaptured: (binding) => {
      events.emit('ptt:binding-captured', { binding });
      settings.update({ ptt: { binding } }).catch((error: unknown) => log.error({ err: String(error) }, 'could not save the new binding'));
    },
    onNotice: (notice) => events.emit('app:notice', notice),
    healthCheck:
      process.platform === 'darwin'
        ? async () => (systemPreferences.isTrustedAccessibilityClient(false) ? null : 'the Accessibility permission was revoked')
        : undefined,
  });
  const hotkeys = createGlobalHotkeys({
    globalShortcut,
    onCommand: (c) => events.emit('voice:command', c),
    log: log.child({ module: 'hotkeys' }),
  });
  const autoLaunch = createAutoLaunch({
    platform: process.platform,
    loginItems: app,
    fs: { writeFile, rm, mkdir },
    autostartDir: join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'autostart'),
    executable,
    log: log.child({ module: 'auto-launch' }),
  });
  const notifier = createMentionNotifier({
    isSupported: () => Notification.isSupported(),
    createNotification: (options) => new Notification(options),
    isWindowFocused: () => mainWindow?.isFocused() ?? false,
    enabled: () => settings.get().notifications.mentions,
    onClick: (m) => {
      showWindow();
      events.emit('notifications:clicked', { guildId: m.guildId, channelId: m.channelId, messageId: m.messageId });
    },
  });
  const ringing = createCallRinging({
    isSupported: () => Notification.isSupported(),
    createNotification: (options) => new Notification(options),
    enabled: () => settings.get().notifications.mentions,
    isWindowFocused: () => mainWindow?.isFocused() ?? false,
    setTrayRinging: () => refreshTray(),
    flashFrame: (flash) => {
      if (mainWindow && !mainWindow.isDestroyed() && !(flash && mainWindow.isFocused())) mainWindow.flashFrame(flash);
    },
    onCommand: (command) => {
      // Answering needs the window (the call bar, the microphone prompt); declining does not.
      if (command.command !== 'decline') showWindow();
      events.emit('calls:command', command);
    },
    log: log.child({ module: 'call-ringing' }),
  });
  const quit = createQuitCoordinator({
    isVoiceConnected: () => voice.get().connected,
    requestDisconnect: () => events.emit('voice:command', { command: 'disconnect', source: 'quit' }),
    waitForDisconnect: (ms) => voice.waitForDisconnect(ms),
    quit: () => app.quit(),
    log: log.child({ module: 'quit' }),
  });
  app.on('before-quit', (event) => quit.onBeforeQuit(event));
  const screenPicker = createScreenPicker({
    session: session.defaultSession,
    desktopCapturer,
    appOrigin,
    platform: process.platform,
    // Only the main window shares its screen (a pop-out has no bridge to show the picker in).
    targetFor: (frame) => {
      const contents = webContents.fromFrame(frame as Parameters<typeof webContents.fromFrame>[0]);
      return contents && mainWindow && !mainWindow.isDestroyed() && contents.id === mainWindow.webContents.id ? contents : null;
    },
    sendTo: (target, channel, payload) => events.sendTo(target, channel, payload),
    newId: () => randomUUID(),
    setTimeout: systemClock.setTimeout,
    clearTimeout: systemClock.clearTimeout,
    log: log.child({ module: 'screen-picker' }),
  });
  app.on('will-quit', () => {
    screenPicker.dispose();
    ringing.dispose();
    ptt.dispose();
    hotkeys.dispose();
    tray.destroy();
  });

  // Settings drive the services; the renderer hears every change.
  const applySettings = async (): Promise<void> => {
    const s = settings.get();
    await ptt.apply(s.ptt);
    ptt.setHotkeyStatus(hotkeys.apply(s.hotkeys));
  };
  settings.subscribe((next, previous) => {
    events.emit('settings:changed', next);
    applySettings().catch((error: unknown) => log.error({ err: String(error) }, 'applying settings failed'));
    if (next.startOnLogin !== previous.startOnLogin)
      void autoLaunch.set(next.startOnLogin).catch((error: unknown) => log.warn({ err: String(error) }, 'start on login failed'));
  });
  powerMonitor.on('lock-screen', () => ptt.forceRelease('lock-screen'));
  powerMonitor.on('suspend', () => ptt.forceRelease('suspend'));

  const externalLinks = createExternalLinks({
    openExternal: (url) => shell.openExternal(url),
    log: log.child({ module: 'external-links' }),
  });
  // IPC: the only registration point.
  registerIpc({
    ipcMain,
    checkSender: createSenderCheck({
      appOrigin,
      trustedWebContentsIds: () => (mainWindow && !mainWindow.isDestroyed() ? [mainWindow.webContents.id] : []),
    }),
    log: log.child({ module: 'ipc' }),
    handlers: createIpcHandlers({
      appInfo: () => ({ version: app.getVersion(), platform: process.platform, isPackaged: app.isPackaged }),
      setBadgeCount: (count) => app.setBadgeCount(count),
      settings,
      voice: {
        set: (state: VoiceState) => {
          voice.set(state);
          refreshTray();
        },
      },
      ptt,
      media,
      notifier,
      openExternal: (url) => externalLinks.open(url),
      ringing,
      screenPicker,
    }),
  });

  // Window and tray.
  const created = createMainWindow({
    createBrowserWindow: (options) => new BrowserWindow(options as BrowserWindowConstructorOptions),
    preload,
    settings,
    workAreas: () => screen.getAllDisplays().map((d) => d.workArea),
    isQuitting: () => quit.quitting,
    startHidden: launch.hidden,
    log: log.child({ module: 'window' }),
    setTimeout: systemClock.setTimeout,
    clearTimeout: systemClock.clearTimeout,
  });
  mainWindow = created.window;
  showWindow = created.show;
  const contents = mainWindow.webContents;
  contents.on('did-start-loading', () => events.notReady());
  contents.on('did-finish-load', () => events.ready());
  contents.on('render-process-gone', (_e, details) => log.error({ reason: details.reason }, 'renderer gone'));
  mainWindow.on('closed', () => {
    mainWindow = null;
  });

  const trayDir = app.isPackaged ? join(process.resourcesPath, 'tray') : join(app.getAppPath(), 'build', 'tray');
  const tray = createTray<NativeImage, Menu>({
    createTrayInstance: (image) => new Tray(image),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    icon: (state) => nativeImage.createFromPath(join(trayDir, `tray-${state}.png`)),
    onAction: (action) => {
      const call = ringing.current();
      if (action === 'show') showWindow();
      else if (action === 'quit') app.quit();
      else if (action === 'accept-call' || action === 'decline-call') {
        if (call) ringing.set(null);
        if (call) events.emit('calls:command', { command: action === 'accept-call' ? 'accept' : 'decline', callId: call.callId });
        if (action === 'accept-call') showWindow();
      } else events.emit('voice:command', { command: action, source: 'tray' });
    },
  });
  refreshTray = () => tray.update({ voice: voice.get(), transmitting: ptt.transmitting, ringing: ringing.current() });

  // Launch arguments: now, from second instances, and macOS open-url.
  const handlers = createLaunchHandlers({
    onPtt: (command) => ptt.cli(command),
    onDeepLink: (link) => events.emit('deeplink:open', link),
    showWindow: () => showWindow(),
  });
  app.on('second-instance', (_event, argv) => handlers.secondInstance(argv));
  // macOS: clicking the dock icon brings back a window hidden to the tray.
  app.on('activate', () => showWindow());
  handleOpenUrl = handlers.openUrl;
  for (const url of pendingOpenUrls.splice(0)) handlers.openUrl(url);
  if (launch.deepLink) events.emit('deeplink:open', launch.deepLink);

  await applySettings();
  // Re-assert start-on-login: the OS entry may point at an old path after an update or a moved AppImage.
  if (settings.get().startOnLogin)
    void autoLaunch.set(true).catch((error: unknown) => log.warn({ err: String(error) }, 'start on login failed'));
  const updates = createUpdater({
    autoUpdater: () => (require('electron-updater') as typeof ElectronUpdater).autoUpdater,
    isPackaged: app.isPackaged,
    env: process.env,
    log: log.child({ module: 'updater' }),
    onNotice: (notice) => events.emit('app:notice', notice),
    setInterval: (fn, ms) => setInterval(fn, ms),
  }).start();
  log.info({ appOrigin, updates: updates.reason, version: app.getVersion() }, 'parley started');

  await mainWindow.loadURL(rendererUrl);
}

app.on('window-all-closed', () => {
  // With close-to-tray the window only hides; reaching here means the user really closed it.
  if (process.platform !== 'darwin') app.quit();
});
