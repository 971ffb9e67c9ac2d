import { Permission } from '@shared/permissions/permissions';

/**
 * The pure rules of private channels (DMs and group DMs, issue 16 item 2), kept apart from storage so they can be
 * tested without a database.
 */

/**
 * What every recipient of a private channel may do there: see it, write, react, attach, and join its calls with
 * microphone, camera and screen share. No
 * MANAGE_MESSAGES: nobody moderates a DM, so a member edits and deletes only their own messages. Pinning is allowed to
 * every recipient without it (see `mayPin`).
 */
export const PRIVATE_CHANNEL_PERMISSIONS: number =
  Permission.VIEW_CHANNEL |
  Permission.SEND_MESSAGES |
  Permission.ADD_REACTIONS |
  Permission.ATTACH_FILES |
  Permission.CONNECT |
  Permission.SPEAK |
  Permission.VIDEO |
  Permission.STREAM;

/** The unique key that makes the 1:1 DM of two users one channel for ever, whoever opens it first. */
export function dmPairKey(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

export interface SeatedRecipient {
  userId: string;
  joinedAt: Date;
}

/**
 * Who manages a group: the stored owner while they are a member; otherwise (they left, and the write that passes it on
 * has not landed or raced another leave) the member who joined first, ties by user id. Every reader derives the same
 * answer from the same documents, so no compare-and-set is needed to pass ownership on. Null: nobody is left.
 */
export function effectiveOwner(storedOwnerId: string | null | undefined, members: readonly SeatedRecipient[]): string | null {
  if (storedOwnerId && members.some((m) => m.userId === storedOwnerId)) return storedOwnerId;
  const [first] = [...members].sort(
    (a, b) => a.joinedAt.getTime() - b.joinedAt.getTime() || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
  return first?.userId ?? null;
}

/** Seats of a group, each claimed by a unique insert: at most `max` members however many adds run at once. */
export function seatOrder(taken: readonly number[], max: number): number[] {
  const used = new Set(taken);
  const free: number[] = [];
  for (let seat = 0; seat < max; seat++) if (!used.has(seat)) free.push(seat);
  return free;
}

/** The sort key of a channel in my list: its newest message's time, else its creation. */
export function activityTime(createdAt: Date, lastMessageTime: Date | null): number {
  return Math.max(createdAt.getTime(), lastMessageTime?.getTime() ?? 0);
}
