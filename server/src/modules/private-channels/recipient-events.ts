/**
 * "Someone left a group DM" (they left, or its owner removed them), for modules whose state hangs on membership: a call
 * in that channel hangs them up. Keyed by a per-instance object of the ModuleContext — by convention `ctx.gateway`,
 * as livekitWebhookBus is — so several server instances in one process (tests) each have their own listeners. This
 * file imports nothing, so the private-channels module can tell and the calls module can listen without a cycle.
 */
export type RecipientLeftListener = (channelId: string, userId: string) => Promise<void>;

const listeners = new WeakMap<object, Set<RecipientLeftListener>>();

/** Listen; returns the function that stops listening. */
export function onRecipientLeft(instanceKey: object, listener: RecipientLeftListener): () => void {
  let set = listeners.get(instanceKey);
  if (!set) {
    set = new Set();
    listeners.set(instanceKey, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/** Tells every listener, in turn; a listener's failure is its own to log (this never throws). */
export async function recipientLeft(instanceKey: object, channelId: string, userId: string): Promise<void> {
  for (const listener of listeners.get(instanceKey) ?? []) await listener(channelId, userId).catch(() => undefined);
}
