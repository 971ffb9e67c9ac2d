import type { Ringing, VoiceState } from '@shared/ipc/contract';

/**
 * The tray: an icon that shows the voice state and a menu that acts on it. The state comes from the renderer
 * (voice:report-state) plus push-to-talk; menu actions go back to the renderer as voice:command events.
 * Takes a `createTrayInstance` so tests can swap the native tray, does nothing when nothing changed, and
 * removes its listener on destroy.
 */

export type TrayIconState = 'idle' | 'connected' | 'muted' | 'deafened' | 'transmitting' | 'ringing';
export type TrayAction = 'toggle-mute' | 'toggle-deafen' | 'disconnect' | 'show' | 'quit' | 'accept-call' | 'decline-call';

export interface TrayMenuItem {
  id: string;
  label?: string;
  type?: 'normal' | 'checkbox' | 'separator';
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
}

export interface TrayLike<Image, Menu> {
  setImage(image: Image): void;
  setToolTip(text: string): void;
  setContextMenu(menu: Menu | null): void;
  on(event: 'click', listener: () => void): unknown;
  removeListener(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayInput {
  voice: VoiceState;
  transmitting: boolean;
  /** A DM call ringing (src-main/os/call-ringing.ts). */
  ringing?: Ringing | null;
}

/**
 * Most urgent first: a ringing call beats deafened beats muted beats transmitting beats connected. Listening only (no
 * microphone) shows as muted: push-to-talk held sends nothing then, and the icon must not say it does.
 */
export function trayIconState({ voice, transmitting, ringing }: TrayInput): TrayIconState {
  if (ringing) return 'ringing';
  if (!voice.connected) return 'idle';
  if (voice.deafened) return 'deafened';
  if (voice.muted || voice.listeningOnly) return 'muted';
  if (transmitting || voice.speaking) return 'transmitting';
  return 'connected';
}

const tooltips: Record<TrayIconState, string> = {
  idle: 'Parley',
  connected: 'Parley — in voice',
  muted: 'Parley — muted',
  deafened: 'Parley — deafened',
  transmitting: 'Parley — transmitting',
  ringing: 'Parley — incoming call',
};

const LISTENING_ONLY = 'listening only, no microphone';

function tooltipOf(input: TrayInput): string {
  const state = trayIconState(input);
  if (input.ringing) return `Parley — call from ${input.ringing.callerName}`;
  if (state === 'muted' && input.voice.listeningOnly) return `Parley — ${LISTENING_ONLY}`;
  return tooltips[state];
}

export function trayMenuTemplate(input: TrayInput, act: (action: TrayAction) => void): TrayMenuItem[] {
  const { voice } = input;
  const status = voice.connected
    ? `In voice${voice.channelName ? `: ${voice.channelName}` : ''}${voice.listeningOnly ? ` (${LISTENING_ONLY})` : ''}`
    : 'Not in voice';
  const ringing: TrayMenuItem[] = input.ringing
    ? [
        {
          id: 'ringing',
          label: `${input.ringing.waiting ? 'Call waiting' : 'Incoming call'}: ${input.ringing.callerName}`,
          enabled: false,
        },
        { id: 'accept-call', label: 'Accept call', click: () => act('accept-call') },
        { id: 'decline-call', label: 'Decline call', click: () => act('decline-call') },
        { id: 'sep-0', type: 'separator' },
      ]
    : [];
  return [
    ...ringing,
    { id: 'status', label: status, enabled: false },
    { id: 'sep-1', type: 'separator' },
    { id: 'mute', label: 'Mute', type: 'checkbox', checked: voice.muted, enabled: voice.connected, click: () => act('toggle-mute') },
    {
      id: 'deafen',
      label: 'Deafen',
      type: 'checkbox',
      checked: voice.deafened,
      enabled: voice.connected,
      click: () => act('toggle-deafen'),
    },
    { id: 'disconnect', label: 'Disconnect', enabled: voice.connected, click: () => act('disconnect') },
    { id: 'sep-2', type: 'separator' },
    { id: 'show', label: 'Show Parley', click: () => act('show') },
    { id: 'quit', label: 'Quit Parley', click: () => act('quit') },
  ];
}

export function createTray<Image, Menu>(deps: {
  createTrayInstance: (image: Image) => TrayLike<Image, Menu>;
  buildMenu: (template: TrayMenuItem[]) => Menu;
  icon: (state: TrayIconState) => Image;
  onAction: (action: TrayAction) => void;
}): { update(input: TrayInput): void; destroy(): void } {
  const initial: TrayInput = {
    voice: { connected: false, muted: false, deafened: false, speaking: false, channelName: null, listeningOnly: false },
    transmitting: false,
  };
  let iconState = trayIconState(initial);
  let tooltip = tooltipOf(initial);
  const tray = deps.createTrayInstance(deps.icon(iconState));
  const onClick = (): void => deps.onAction('show');
  tray.on('click', onClick);
  tray.setToolTip(tooltip);
  let menuKey = '';
  let destroyed = false;

  function update(input: TrayInput): void {
    if (destroyed) return;
    const nextIcon = trayIconState(input);
    if (nextIcon !== iconState) {
      iconState = nextIcon;
      tray.setImage(deps.icon(nextIcon));
    }
    const nextTooltip = tooltipOf(input);
    if (nextTooltip !== tooltip) {
      tooltip = nextTooltip;
      tray.setToolTip(nextTooltip);
    }
    const template = trayMenuTemplate(input, deps.onAction);
    // Menus are rebuilt only when their visible content changes (transmit flicker must not rebuild the menu).
    const key = JSON.stringify(template.map(({ click: _c, ...rest }) => rest));
    if (key !== menuKey) {
      menuKey = key;
      tray.setContextMenu(deps.buildMenu(template));
    }
  }

  update(initial);
  return {
    update,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      tray.removeListener('click', onClick);
      tray.destroy();
    },
  };
}
