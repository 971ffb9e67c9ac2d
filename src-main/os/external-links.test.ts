import { describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '@shared/ipc/channels';
import type { Log } from '../log';
import { createIpcHandlers } from '../ipc/handlers';
import { createSenderCheck, registerIpc, type InvokeEventLike, type IpcHandlers } from '../ipc/register';
import { createExternalLinks } from './external-links';

const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('external links from messages', () => {
  it.each(['https://example.com/a?b=1', 'http://example.com', 'mailto:someone@example.com'])(
    'when the renderer asks to open %s, then it reaches the system browser',
    async (url) => {
      const openExternal = vi.fn(async () => undefined);
      await expect(createExternalLinks({ openExternal, log: silent }).open(url)).resolves.toBe(true);
      expect(openExternal).toHaveBeenCalledWith(new URL(url).href);
    },
  );

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'smb://host/share',
    'parley://invite/abcd',
    'https://',
    'not a url',
  ])('when the renderer asks to open %j, then nothing is opened', async (url) => {
    const openExternal = vi.fn(async () => undefined);
    await expect(createExternalLinks({ openExternal, log: silent }).open(url)).resolves.toBe(false);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('when the OS handler fails, then the answer is false rather than a throw', async () => {
    const links = createExternalLinks({ openExternal: () => Promise.reject(new Error('no browser')), log: silent });
    await expect(links.open('https://example.com')).resolves.toBe(false);
  });

  describe('over IPC (app:open-external)', () => {
    const APP = 'app://parley';
    function setup() {
      const openExternal = vi.fn(async () => undefined);
      const links = createExternalLinks({ openExternal, log: silent });
      const registered = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
      const all = createIpcHandlers({ openExternal: (url: string) => links.open(url) } as unknown as Parameters<
        typeof createIpcHandlers
      >[0]);
      const handlers = Object.fromEntries(invokeChannels.map((c) => [c, all[c]])) as IpcHandlers;
      registerIpc({
        ipcMain: { handle: (c, l) => registered.set(c, l), removeHandler: (c) => registered.delete(c) },
        handlers,
        checkSender: createSenderCheck({ appOrigin: APP, trustedWebContentsIds: () => [7] }),
        log: silent,
      });
      const invoke = (event: InvokeEventLike, arg: unknown) => registered.get('app:open-external')!(event, arg);
      return { invoke, openExternal };
    }
    const ours: InvokeEventLike = { sender: { id: 7 }, senderFrame: { url: `${APP}/index.html`, parent: null } };

    it('when our window asks for an https link, then it opens', async () => {
      const { invoke, openExternal } = setup();
      await expect(invoke(ours, { url: 'https://example.com/' })).resolves.toEqual({ ok: true, data: { opened: true } });
      expect(openExternal).toHaveBeenCalledOnce();
    });

    it('when a foreign frame asks, then it is forbidden and nothing opens', async () => {
      const { invoke, openExternal } = setup();
      const foreign: InvokeEventLike = { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/', parent: null } };
      await expect(invoke(foreign, { url: 'https://example.com/' })).resolves.toEqual({ ok: false, code: 'forbidden' });
      expect(openExternal).not.toHaveBeenCalled();
    });

    it('when our window asks for a javascript: link, then it resolves opened: false', async () => {
      const { invoke, openExternal } = setup();
      await expect(invoke(ours, { url: 'javascript:alert(1)' })).resolves.toEqual({ ok: true, data: { opened: false } });
      expect(openExternal).not.toHaveBeenCalled();
    });

    it('when the request is malformed, then it is refused as invalid', async () => {
      const { invoke } = setup();
      await expect(invoke(ours, { href: 'https://example.com/' })).resolves.toEqual({ ok: false, code: 'invalid-request' });
    });
  });
});
