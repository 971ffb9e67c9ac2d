import { callHistoryStore } from '../../app/services';

/**
 * How to show a DM (Home, that DM), registered once by the app where Home is wired (app/services.ts), so the calls UI
 * can take the user to the call's DM after answering, or calling from the history, without importing Home's stores.
 */
let openDm: ((channelId: string) => void) | null = null;

export function setCallDmOpener(open: (channelId: string) => void): void {
  openDm = open;
}

/** Shows the DM a call is in: where its call bar is. */
export function showCallDm(channelId: string): void {
  callHistoryStore.getState().hide();
  openDm?.(channelId);
}
