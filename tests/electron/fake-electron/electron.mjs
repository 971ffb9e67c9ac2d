/**
 * A fake `electron` module for running the BUILT main process (out/main/index.js) under plain Node where the
 * Electron binary is unavailable. It records what main does and lets the parent test (over the child-process IPC
 * channel) play the OS and the renderer: invoke IPC channels from chosen frames, launch second instances, click the
 * tray, ask for permissions, quit. Only the surface src-main/index.ts uses is implemented.
 */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const report = (message) => process.send?.(message);

class Emitter extends EventEmitter {}

let nextWebContentsId = 1;

class WebContents extends Emitter {
  constructor() {
    super();
    this.id = nextWebContentsId++;
    this.destroyed = false;
    this.windowOpenHandler = null;
  }
  isDestroyed() {
    return this.destroyed;
  }
  send(channel, payload) {
    report({ type: 'send', channel, payload });
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return windows.find((w) => w.webContents === this)?.url ?? '';
  }
}

const windows = [];

export class BrowserWindow extends Emitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.url = null;
    this.focused = false;
    this.visible = false;
    windows.push(this);
    report({ type: 'window-created', options: JSON.parse(JSON.stringify(options)) });
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    this.url = url;
    report({ type: 'load-url', url });
    this.webContents.emit('did-start-loading');
    this.emit('ready-to-show');
    this.webContents.emit('did-finish-load');
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: 1200, height: 800 };
  }
  isMaximized() {
    return false;
  }
  isDestroyed() {
    return false;
  }
  isFocused() {
    return this.focused;
  }
  isMinimized() {
    return false;
  }
  maximize() {}
  restore() {}
  hide() {
    this.visible = false;
  }
  show() {
    this.visible = true;
    report({ type: 'window-shown' });
  }
  focus() {
    this.focused = true;
  }
}

class FakeApp extends Emitter {
  constructor() {
    super();
    this.isPackaged = false;
    this.paths = { userData: process.env.PARLEY_USER_DATA ?? '/tmp/parley-fake' };
    this.quitCalls = 0;
    this.commandLine = { appendSwitch: (name, value) => report({ type: 'switch', name, value }) };
  }
  setPath(name, value) {
    this.paths[name] = value;
  }
  getPath(name) {
    return this.paths[name];
  }
  getVersion() {
    return '0.0.0-test';
  }
  getAppPath() {
    return process.cwd();
  }
  enableSandbox() {
    report({ type: 'sandbox-enabled' });
  }
  requestSingleInstanceLock() {
    return process.env.FAKE_ELECTRON_LOCK !== 'taken';
  }
  setAsDefaultProtocolClient(protocol) {
    report({ type: 'protocol-client', protocol });
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  quit() {
    this.quitCalls += 1;
    report({ type: 'app-quit' });
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) {
      this.emit('will-quit');
      report({ type: 'will-quit' });
    }
  }
  exit(code) {
    report({ type: 'app-exit', code });
    process.exit(code);
  }
  setBadgeCount() {
    return true;
  }
  setLoginItemSettings(settings) {
    report({ type: 'login-item', settings });
  }
}

export const app = new FakeApp();

const handlers = new Map();
export const ipcMain = {
  handle(channel, listener) {
    handlers.set(channel, listener);
  },
  removeHandler(channel) {
    handlers.delete(channel);
  },
};

export const Menu = { buildFromTemplate: (template) => ({ template }) };

export class Notification extends Emitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    report({ type: 'notification', options: this.options });
  }
}

const trays = [];
export class Tray extends Emitter {
  constructor(image) {
    super();
    this.image = image;
    this.menu = null;
    trays.push(this);
    report({ type: 'tray-created', image: image.path });
  }
  setImage(image) {
    this.image = image;
    report({ type: 'tray-image', image: image.path });
  }
  setToolTip() {}
  setContextMenu(menu) {
    this.menu = menu;
  }
  destroy() {}
}

const shortcuts = new Map();
export const globalShortcut = {
  register(accelerator, callback) {
    shortcuts.set(accelerator, callback);
    return true;
  },
  unregister(accelerator) {
    shortcuts.delete(accelerator);
  },
};

export const nativeImage = { createFromPath: (path) => ({ path }) };
// Electron's net.fetch reads file: URLs; Node's fetch does not, so the fake does it for the app:// handler.
export const net = {
  fetch: async (url) => (url.startsWith('file:') ? new Response(await readFile(fileURLToPath(url))) : fetch(url)),
};
export const powerMonitor = new Emitter();
export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    report({ type: 'privileged-schemes', schemes });
  },
  handle(scheme, handler) {
    protocol.handlers[scheme] = handler;
  },
  handlers: {},
};
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };

const permission = { request: null, check: null, device: null };
const displayMedia = { handler: null };
// desktopCapturer's sources: one screen and one window, with NativeImage-like thumbnails.
const image = (bytes) => ({
  isEmpty: () => bytes.length === 0,
  toJPEG: () => Buffer.from(bytes),
  toDataURL: () => `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`,
});
/** Chromium's origin of a page: scheme://host, also for our registered standard scheme (Node's URL says "null"). */
const securityOrigin = (url) => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};
export const desktopCapturer = {
  getSources: async (options) => {
    report({ type: 'get-sources', options });
    return [
      { id: 'screen:0:0', name: 'Entire Screen', thumbnail: image([1, 2, 3]), appIcon: null },
      { id: 'window:77:0', name: 'Editor', thumbnail: image([4, 5]), appIcon: image([6]) },
    ];
  },
};
/** webContents.fromFrame: frames the test marks `foreign` belong to no window of ours. */
export const webContents = {
  fromFrame: (frame) => (frame.foreign ? { id: 999, isDestroyed: () => false, send: () => undefined } : windows[0]?.webContents),
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler(h) {
      permission.request = h;
    },
    setPermissionCheckHandler(h) {
      permission.check = h;
    },
    setDevicePermissionHandler(h) {
      permission.device = h;
    },
    setDisplayMediaRequestHandler(h, opts) {
      displayMedia.handler = h;
      report({ type: 'display-media-handler', installed: h !== null, opts: opts ?? null });
    },
    webRequest: { onHeadersReceived() {} },
  },
};
export const shell = {
  openExternal: async (url) => report({ type: 'open-external', url }),
};
export const systemPreferences = {
  isTrustedAccessibilityClient: () => true,
  getMediaAccessStatus: () => 'granted',
  askForMediaAccess: async () => true,
};

// The parent test drives the fake through these commands.
process.on('message', async (message) => {
  const win = windows[0];
  try {
    switch (message.cmd) {
      case 'invoke': {
        const handler = handlers.get(message.channel);
        const frame = message.frame ?? { url: win?.url, parent: null };
        const event = { sender: { id: message.senderId ?? win?.webContents.id }, senderFrame: frame };
        const result = handler ? await handler(event, ...(message.args ?? [])) : { missing: true };
        report({ type: 'reply', id: message.id, result });
        break;
      }
      case 'second-instance':
        app.emit('second-instance', {}, message.argv, process.cwd());
        report({ type: 'reply', id: message.id, result: null });
        break;
      case 'tray-menu': {
        const item = trays[0]?.menu?.template.find((i) => i.id === message.item);
        item?.click?.();
        report({ type: 'reply', id: message.id, result: item ? { enabled: item.enabled !== false, checked: item.checked ?? null } : null });
        break;
      }
      case 'permission': {
        const granted = await new Promise((resolve) =>
          permission.request(win.webContents, message.permission, resolve, {
            requestingUrl: message.url,
            isMainFrame: true,
            mediaTypes: message.mediaTypes,
          }),
        );
        report({ type: 'reply', id: message.id, result: granted });
        break;
      }
      case 'display-media': {
        // getDisplayMedia from a frame: main's handler answers through the callback, maybe much later.
        const frame = message.frame ?? { url: win?.url, parent: null };
        displayMedia.handler(
          {
            frame,
            securityOrigin: message.securityOrigin ?? securityOrigin(frame.url),
            videoRequested: true,
            audioRequested: message.audio ?? false,
          },
          (streams) => report({ type: 'display-media-answer', tag: message.tag, streams }),
        );
        report({ type: 'reply', id: message.id, result: null });
        break;
      }
      case 'navigate': {
        const event = {
          url: message.url,
          defaultPrevented: false,
          preventDefault() {
            this.defaultPrevented = true;
          },
        };
        win.webContents.emit('will-navigate', event);
        const open = win.webContents.windowOpenHandler?.({ url: message.url });
        report({ type: 'reply', id: message.id, result: { blocked: event.defaultPrevented, open } });
        break;
      }
      case 'fetch-app': {
        const response = await protocol.handlers.app({ url: message.url });
        const body = await response.text();
        report({
          type: 'reply',
          id: message.id,
          result: { status: response.status, csp: response.headers.get('content-security-policy'), body: body.slice(0, 5000) },
        });
        break;
      }
      case 'power':
        powerMonitor.emit(message.event);
        report({ type: 'reply', id: message.id, result: null });
        break;
      case 'quit':
        app.quit();
        report({ type: 'reply', id: message.id, result: null });
        break;
      case 'exit':
        app.emit('will-quit');
        process.exit(0);
    }
  } catch (error) {
    report({ type: 'reply', id: message.id, error: String(error?.stack ?? error) });
  }
});
report({ type: 'fake-electron-loaded' });
