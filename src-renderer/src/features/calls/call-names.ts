import type { Call, CallParticipant } from '@shared/api/calls';
import type { PublicUser } from '@shared/api/users';

/** Everyone in a call but me (the people a call is "with"). */
export function otherParticipants(call: Call, selfId: string | null): CallParticipant[] {
  return call.participants.filter((p) => p.userId !== selfId);
}

export function personName(userId: string, people: Readonly<Record<string, PublicUser>>): string {
  return people[userId]?.displayName ?? 'Someone';
}

/** "Alice", "Alice and Bob", "Alice, Bob and 2 others". */
export function namesOf(ids: readonly string[], people: Readonly<Record<string, PublicUser>>): string {
  const names = ids.map((id) => personName(id, people));
  if (names.length <= 1) return names[0] ?? 'Someone';
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others`;
}

/** Who a call is with, from my side. */
export function callTitle(call: Call, selfId: string | null, people: Readonly<Record<string, PublicUser>>): string {
  return namesOf(
    otherParticipants(call, selfId).map((p) => p.userId),
    people,
  );
}

/** How a participant's status reads beside their name (joined says nothing: their avatar is lit). */
export const PARTICIPANT_STATUS: Record<CallParticipant['status'], string> = {
  ringing: 'Ringing…',
  connecting: 'Connecting…',
  joined: 'In the call',
  declined: 'Declined',
  missed: 'No answer',
  busy: 'Busy',
  left: 'Left',
};

export const RESULT_TEXT = { 'no-answer': 'No answer', declined: 'Declined', busy: 'Busy', failed: 'Call failed' } as const;

/** "0:42" since `fromIso`, or "1:02:03". */
export function elapsed(fromIso: string, now: number): string {
  return formatDuration(now - Date.parse(fromIso));
}

/** "1:05", "12:00", "1:02:03" from milliseconds. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
