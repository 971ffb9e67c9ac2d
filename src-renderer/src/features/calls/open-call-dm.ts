/**
 * How to show a DM (Home, that DM), registered once where Home is wired (app/services.ts), so the calls UI can take
 * the user to the call's DM after answering, or calling from the history, without importing Home's stores. This
 * module imports nothing, so services.ts may register at load without an import cycle.
 */
let openDm: ((channelId: string) => void) | null = null;

export function setCallDmOpener(open: (channelId: string) => void): void {
  openDm = open;
}

/** Shows the DM a call is in: where its call bar is. */
export function showCallDm(channelId: string): void {
  openDm?.(channelId);
}
