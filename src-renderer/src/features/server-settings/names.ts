import type { AuditAction } from '@shared/api/audit';
import type { Member } from '../../api/types';

export function displayName(m: Pick<Member, 'nick' | 'user'> | undefined, fallback = 'Unknown user'): string {
  return m?.nick ?? m?.user.displayName ?? fallback;
}

/** Role colours are stored as 0xRRGGBB integers. */
export const colorToHex = (c: number): string => `#${c.toString(16).padStart(6, '0')}`;
export const hexToColor = (h: string): number => Number.parseInt(h.replace('#', ''), 16);

export const AUDIT_LABELS: Record<AuditAction, string> = {
  'guild.update': 'Updated the server',
  'member.kick': 'Kicked a member',
  'member.ban': 'Banned a member',
  'member.unban': 'Unbanned a member',
  'member.update': 'Updated a member',
  'role.create': 'Created a role',
  'role.update': 'Updated a role',
  'role.delete': 'Deleted a role',
  'channel.create': 'Created a channel',
  'channel.update': 'Updated a channel',
  'channel.delete': 'Deleted a channel',
  'invite.create': 'Created an invite',
  'invite.use': 'Joined with an invite',
  'webhook.create': 'Created a webhook',
  'webhook.update': 'Updated a webhook',
  'webhook.delete': 'Deleted a webhook',
  'webhook.rotate_secret': "Rotated a webhook's secret",
  'message.delete': 'Deleted a message',
  'message.pin': 'Pinned a message',
  'message.unpin': 'Unpinned a message',
  'message.purge': "Deleted a member's messages",
  'member.account_delete': 'Deleted their account',
  'voice.join': 'Joined voice',
  'voice.leave': 'Left voice',
  'voice.move': 'Moved a member in voice',
  'voice.mute': 'Server-muted a member',
  'voice.unmute': 'Lifted a server mute',
  'voice.deafen': 'Server-deafened a member',
  'voice.undeafen': 'Lifted a server deafen',
  'voice.disconnect': 'Disconnected a member from voice',
  'voice.video_off': "Stopped a member's video",
  'voice.video_on': "Allowed a member's video again",
  'voice.stream_off': "Stopped a member's stream",
  'voice.stream_on': "Allowed a member's stream again",
  'recording.start': 'Started a recording',
  'recording.stop': 'Stopped a recording',
  'bot.add': 'Added a bot',
  'bot.remove': 'Removed a bot',
  'token.create': 'Created an API token',
  'token.revoke': 'Revoked an API token',
  'bot.create': 'Created a bot',
  'bot.delete': 'Deleted a bot',
};

/** Kept under the user's account, never in a server's log (GET /users/@me/audit-log lists them: API tokens tab). */
const ACCOUNT_ONLY: ReadonlySet<AuditAction> = new Set<AuditAction>(['token.create', 'token.revoke', 'bot.create', 'bot.delete']);

/**
 * Every action a server's audit log can hold, for its filter (the labels' keys, typed as a complete record so this
 * list cannot miss one, less the account-only ones).
 */
export const AUDIT_ACTIONS = (Object.keys(AUDIT_LABELS) as AuditAction[]).filter((a) => !ACCOUNT_ONLY.has(a));

/** Invite lifetimes offered when creating one (seconds; 0 = never), as Discord offers them. */
export const INVITE_AGES: [number, string][] = [
  [1800, '30 minutes'],
  [3600, '1 hour'],
  [21_600, '6 hours'],
  [43_200, '12 hours'],
  [86_400, '1 day'],
  [604_800, '7 days'],
  [2_592_000, '30 days'],
  [0, 'Never'],
];
export const INVITE_USES: [number, string][] = [
  [0, 'No limit'],
  [1, '1 use'],
  [5, '5 uses'],
  [10, '10 uses'],
  [25, '25 uses'],
  [50, '50 uses'],
  [100, '100 uses'],
];

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
