import type { PttDiagnostics, Ringing, VoiceState } from '@shared/ipc/contract';
import type { Settings, SettingsPatch } from '@shared/ipc/settings';
import type { MicrophoneAccess } from '../media/microphone-access';
import type { Mention } from '../os/notifications';
import type { IpcHandlers } from './register';

/** Maps each contract channel to one service call. No logic lives here. */
export function createIpcHandlers(deps: {
  appInfo: () => { version: string; platform: string; isPackaged: boolean };
  /** app.setBadgeCount: false where the OS has no count badge. */
  setBadgeCount: (count: number) => boolean;
  settings: { get(): Settings; update(patch: SettingsPatch): Promise<Settings> };
  voice: { set(state: VoiceState): void };
  ptt: { diagnostics(): PttDiagnostics; startCapture(): Promise<void>; cancelCapture(): void };
  media: { status(): MicrophoneAccess; request(): Promise<{ granted: boolean; status: MicrophoneAccess }> };
  notifier: { show(mention: Mention): { shown: boolean; reason: 'shown' | 'focused' | 'disabled' | 'unsupported' } };
  /** Resolves whether the URL passed the scheme allow-list and went to the system browser. */
  openExternal: (url: string) => Promise<boolean>;
  ringing: { set(ringing: Ringing | null): { notified: boolean } };
  screenPicker: { choose(choice: { requestId: string; sourceId: string | null; audio: boolean }): { accepted: boolean } };
}): IpcHandlers {
  return {
    'app:get-info': () => deps.appInfo(),
    'app:set-badge-count': ({ count }) => ({ shown: deps.setBadgeCount(count) }),
    'settings:get': () => deps.settings.get(),
    'settings:update': (patch) => deps.settings.update(patch),
    'voice:report-state': (state) => {
      deps.voice.set(state);
      return null;
    },
    'ptt:get-diagnostics': () => deps.ptt.diagnostics(),
    'ptt:start-rebind': async () => {
      await deps.ptt.startCapture();
      return null;
    },
    'ptt:cancel-rebind': () => {
      deps.ptt.cancelCapture();
      return null;
    },
    'media:get-microphone-access': () => ({ status: deps.media.status() }),
    'media:request-microphone-access': () => deps.media.request(),
    'notifications:show-mention': (mention) => deps.notifier.show(mention),
    'app:open-external': async ({ url }) => ({ opened: await deps.openExternal(url) }),
    'calls:set-ringing': ({ ringing }) => deps.ringing.set(ringing),
    'screen:choose-source': (choice) => deps.screenPicker.choose(choice),
  };
}
