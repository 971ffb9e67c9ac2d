import { z } from 'zod';
import { Id, IsoDate } from './common';

/**
 * Audit actions. VOICE and EGRESS record theirs through the server's `audit.record(...)`; add new actions here.
 */
export const AUDIT_ACTIONS = [
  'guild.update',
  'member.kick',
  'member.ban',
  'member.unban',
  'member.update',
  'role.create',
  'role.update',
  'role.delete',
  'channel.create',
  'channel.update',
  'channel.delete',
  'invite.create',
  'invite.use',
  /** Outbound webhooks (MANAGE_WEBHOOKS): targetId is the webhook, `details` names it (and on create and update the URL, events or enabled flag set), never its secret. */
  'webhook.create',
  'webhook.update',
  'webhook.delete',
  'webhook.rotate_secret',
  'message.delete',
  /** `details: { channelId, messageId }`; targetId is the message's author. */
  'message.pin',
  'message.unpin',
  /** Many messages of one user deleted at once: `details: { deleted, sinceSeconds }` (null = all). */
  'message.purge',
  /** A member deleted their account (they leave every guild; their messages stay, shown as a deleted user). */
  'member.account_delete',
  'voice.join',
  'voice.leave',
  'voice.move',
  'voice.mute',
  'voice.unmute',
  'voice.deafen',
  'voice.undeafen',
  'voice.disconnect',
  /** A moderator stopped / allowed a member's camera (serverVideoOff): `details: { channelId }`. */
  'voice.video_off',
  'voice.video_on',
  /** A moderator stopped / allowed a member's screen share (serverStreamOff): `details: { channelId }`. */
  'voice.stream_off',
  'voice.stream_on',
  'recording.start',
  'recording.stop',
  /** A bot was added to / removed from the guild (targetId: the bot; `details: { ownerId }`). */
  'bot.add',
  'bot.remove',
  /**
   * Account-scoped entries, not guild events: kept under the owning account's id as the entry's scope (guildId), which
   * no guild's audit log lists; GET /users/@me/audit-log lists them for that account.
   * A bot's token or a personal API token was created or revoked (`details: { kind, tokenId, name }`; targetId: the
   * account the token acts as). A bot's token reset is a revoke and a create.
   */
  'token.create',
  'token.revoke',
  /** A bot account was created or deleted (targetId: the bot; `details: { name }`). Account-scoped like 'token.create'. */
  'bot.create',
  'bot.delete',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  id: Id,
  guildId: Id,
  action: AuditAction,
  /** Null for actions taken by the system (e.g. the voice reconciler). */
  actorId: Id.nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: IsoDate,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** GET /users/@me/audit-log: the account's own entries (tokens and bots), newest first. */
export const ACCOUNT_AUDIT_ACTIONS = ['token.create', 'token.revoke', 'bot.create', 'bot.delete'] as const satisfies readonly AuditAction[];
export const AccountAuditQuery = z.strictObject({
  before: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  action: z.enum(ACCOUNT_AUDIT_ACTIONS).optional(),
});

export const AuditQuery = z.strictObject({
  before: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  action: AuditAction.optional(),
});
