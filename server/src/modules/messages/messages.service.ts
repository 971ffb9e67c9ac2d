import type { Attachment } from '@shared/api/attachments';
import {
  type Embed,
  MAX_PINS,
  REPLY_EXCERPT_LENGTH,
  type HistoryQuery,
  type Message,
  type MessageReference,
  type SendMessageBody,
} from '@shared/api/messages';
import type { SearchQuery, SearchResult } from '@shared/api/search';
import type { PublicUser } from '@shared/api/users';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import type { CachedReads, Repos } from '../../db/repos';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import type { Logger } from '../../logger';
import { deletedUser, messageView, publicUserView } from '../../http/views';
import type { ChannelAccess, PermissionService, PrivateChannelRecord } from '../../permissions/permission.service';
import { attachmentView } from '../attachments/attachments.repo';
import type { AuditService } from '../audit/audit.service';
import { previewableLinks } from '../embeds/links';
import type { MessageRecord } from './messages.repo';
import { searchTerms } from './search.repo';
import type { ActionRateLimit } from '../../http/rate-limit';

const MENTION = /<@([0-9a-f]{24})>/g;

const ROLE_MENTION = /<@&([0-9a-f]{24})>/g;

/** Distinct user ids written as `<@id>` in a message. */
export function mentionedIds(content: string): string[] {
  return [...new Set([...content.matchAll(MENTION)].map((m) => m[1]!))].slice(0, 50);
}

/**
 * Role ids written as `<@&id>` that count as mentions: roles of this guild (not @everyone) that are mentionable, or
 * any of them when the sender has MANAGE_ROLES here. Parley has no MENTION_EVERYONE bit: MANAGE_ROLES stands in for
 * it, as whoever may edit a role may also make it mentionable. Other `<@&id>` stay plain text.
 */
export function resolveRoleMentions(access: Pick<ChannelAccess, 'guild' | 'roles' | 'permissions'>, content: string): string[] {
  const guild = access.guild;
  // A private channel has no roles: `<@&id>` there stays plain text.
  if (guild === null) return [];
  const ids = [...new Set([...content.matchAll(ROLE_MENTION)].map((m) => m[1]!))].slice(0, 50);
  if (ids.length === 0) return [];
  const any = hasPermission(access.permissions, Permission.MANAGE_ROLES);
  return ids.filter((id) => {
    const role = access.roles.find((r) => r.id === id);
    return role !== undefined && role.id !== guild.id && (any || role.mentionable);
  });
}

/** See createMessagesService's `privateChannels` (implemented by private-channels.service.ts). */
export interface PrivateChannelSendHooks {
  /**
   * Refuses (403) what must not reach the other side of a 1:1 DM where either blocked the other: a send, an edit, a
   * reaction, typing.
   */
  checkSend(userId: string, channel: PrivateChannelRecord): Promise<void>;
  /** After the message is stored: the channel back in the list of recipients who had closed it (PRIVATE_CHANNEL_CREATE). */
  afterSend(channel: PrivateChannelRecord): Promise<void>;
}

/**
 * `deliverable()` rejects when live delivery to the other server instances cannot work right now (Redis does not
 * answer): a message write then fails fast with 503 before anything is stored, instead of being acknowledged and
 * reaching only the people connected to this instance.
 */
export function createMessagesService(deps: {
  repos: Repos;
  cachedReads: CachedReads;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  audit: AuditService;
  clock: Clock;
  deliverable?: () => Promise<void>;
  /**
   * What private channels (DMs) add to a send: the block check of a 1:1 DM before it, and putting the channel back in
   * the lists of recipients who had closed it after it. Without it a DM send has neither.
   */
  privateChannels?: PrivateChannelSendHooks;
  /** Link previews (embeds module); without it messages get none. */
  unfurl?: { previews(urls: readonly string[]): Promise<Embed[]> };
  log?: Logger;
  /** Counts each search of a user (none: unlimited). */
  searchRateLimit?: ActionRateLimit;
}) {
  const { repos, cachedReads, permissions, gateway, audit, clock, unfurl } = deps;
  const deliverable = deps.deliverable ?? (async () => undefined);
  /** Previews being made, so shutdown can wait for them. */
  const pending = new Set<Promise<void>>();

  /**
   * Mentions resolve only to members of the guild, or to the recipients of a private channel: a mention cannot be used
   * to probe for arbitrary user ids.
   */
  async function resolveMentions(access: ChannelAccess, content: string, also: string[] = []): Promise<PublicUser[]> {
    const ids = [...new Set([...mentionedIds(content), ...also])];
    if (ids.length === 0) return [];
    let known: string[];
    if (access.guild === null) {
      const recipients = new Set(await permissions.recipientsOf(access.channel));
      known = ids.filter((id) => recipients.has(id));
    } else {
      known = (await repos.guilds.membersByUserIds(access.guild.id, ids)).map((m) => m.userId);
    }
    const users = await repos.users.findManyByIds(known);
    const byId = new Map(users.map((u) => [u.id, publicUserView(u)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** `viewerId` says whose `me` the reactions carry; null for a new message (it has none yet). */
  async function views(messages: MessageRecord[], viewerId: string | null): Promise<Message[]> {
    // The page's replied-to messages in one query (all of one channel: a reply is refused across channels).
    const replyIds = [...new Set(messages.flatMap((m) => (m.replyTo ? [m.replyTo] : [])))];
    const [originals, reactions, pinned] = await Promise.all([
      replyIds.length > 0 ? repos.messages.findMany(messages[0]!.channelId, replyIds) : Promise.resolve([]),
      viewerId
        ? repos.reactions.summaries(
            messages.map((m) => m.id),
            viewerId,
          )
        : Promise.resolve(new Map<string, never[]>()),
      viewerId && messages.length > 0
        ? repos.pins.pinnedAmong(
            messages[0]!.channelId,
            messages.map((m) => m.id),
          )
        : Promise.resolve(new Set<string>()),
    ]);
    // Authors through the record cache: a history page usually has a handful of them, all recently seen.
    const users = await cachedReads.users.findManyByIds([...messages.map((m) => m.authorId), ...originals.map((o) => o.authorId)]);
    const byId = new Map(users.map((u) => [u.id, publicUserView(u)]));
    const originalById = new Map(originals.map((o) => [o.id, o]));
    const reference = (replyTo: string | null): MessageReference | null => {
      if (!replyTo) return null;
      const o = originalById.get(replyTo);
      if (!o) return { messageId: replyTo, author: null, excerpt: null };
      return {
        messageId: o.id,
        author: byId.get(o.authorId) ?? deletedUser(o.authorId),
        excerpt: o.content.slice(0, REPLY_EXCERPT_LENGTH),
      };
    };
    return messages.map((m) => ({
      ...messageView(m, byId.get(m.authorId) ?? deletedUser(m.authorId)),
      reactions: reactions.get(m.id) ?? [],
      reference: reference(m.replyTo),
      pinned: pinned.has(m.id),
    }));
  }
  const viewOne = async (m: MessageRecord, viewerId: string | null) => (await views([m], viewerId))[0]!;

  /** MESSAGE_UPDATE to the channel: everyone gets the counts, `me` is each receiver's own (which no copy here can say). */
  async function announceUpdate(m: MessageRecord, viewerId: string): Promise<Message> {
    const message = await viewOne(m, viewerId);
    const broadcast = { ...message, reactions: message.reactions.map((r) => ({ ...r, me: false })) };
    await gateway.publishToGuild(m.guildId, 'MESSAGE_UPDATE', broadcast, { channelId: m.channelId });
    return message;
  }

  /**
   * After a send or an edit, in the background (the send has already answered): previews of the message's links,
   * stored and announced with MESSAGE_UPDATE when they differ from what it has. Stored only if the text is still the
   * one they were made for and nobody suppressed them meanwhile (see MessagesRepo.setEmbeds).
   */
  function refreshEmbeds(m: MessageRecord): void {
    if (!unfurl || m.suppressEmbeds || m.type !== 'default') return;
    const links = previewableLinks(m.content);
    if (links.length === 0 && m.embeds.length === 0) return;
    const task = (async () => {
      const embeds = links.length > 0 ? await unfurl.previews(links) : [];
      if (JSON.stringify(embeds) === JSON.stringify(m.embeds)) return;
      const updated = await repos.messages.setEmbeds(m.channelId, m.id, m.content, embeds);
      if (updated) await announceUpdate(updated, updated.authorId);
    })()
      .catch((err: unknown) => deps.log?.warn({ err, messageId: m.id }, 'link previews not stored'))
      .finally(() => pending.delete(task));
    pending.add(task);
  }

  /**
   * The pending uploads a send names, claimed for it (`by` stays the same across retries of one nonce): each must be
   * this user's upload to this channel, and not sent by another message. 400 otherwise, with no claim kept.
   */
  async function claimAttachments(userId: string, channelId: string, ids: readonly string[], by: string): Promise<Attachment[]> {
    if (ids.length === 0) return [];
    const found = new Map((await repos.attachments.findMany(ids)).map((a) => [a.id, a]));
    const invalid = ids.filter((id) => {
      const a = found.get(id);
      return !a || a.uploaderId !== userId || a.channelId !== channelId || a.orphanedAt !== null;
    });
    if (invalid.length > 0)
      throw AppError.validation('Attachments must be your own uploads to this channel', [
        { path: 'body.attachmentIds', message: `not attachable: ${invalid.join(', ')}` },
      ]);
    const claimed: string[] = [];
    for (const id of ids) {
      if (await repos.attachments.claim(id, by, clock.now())) claimed.push(id);
      else {
        await repos.attachments.releaseClaims(claimed, by);
        throw AppError.validation('An attachment was already sent', [{ path: 'body.attachmentIds', message: `already sent: ${id}` }]);
      }
    }
    return ids.map((id) => attachmentView(found.get(id)!));
  }

  async function requireText(userId: string, channelId: string, perm: 'VIEW_CHANNEL' | 'SEND_MESSAGES') {
    const access = await permissions.requireChannelPermission(userId, channelId, perm);
    // Voice channels carry text too (chat next to the call, recording notices), like Discord; categories do not.
    if (access.channel.type === 'category') throw new AppError('WRONG_CHANNEL_TYPE', 'Categories have no messages');
    return access;
  }

  return {
    async history(userId: string, channelId: string, q: HistoryQuery): Promise<{ items: Message[] }> {
      await requireText(userId, channelId, 'VIEW_CHANNEL');
      return { items: await views(await repos.messages.history(channelId, q), userId) };
    },

    /**
     * Messages of the guild's channels that this member can view, and only those: the channel list is computed first
     * and is part of the query, so neither a page nor the total can include a hidden channel. A `channelId` the member
     * cannot view (or that does not exist) answers like a channel without matches, so searching cannot probe for
     * hidden channels. Not a member: 404.
     */
    async search(userId: string, guildId: string, q: SearchQuery): Promise<SearchResult> {
      const access = await permissions.requireGuildMember(userId, guildId);
      await deps.searchRateLimit?.hit(userId);
      const visible = permissions
        .visibleChannels(access, await cachedReads.channels.listByGuild(guildId))
        .filter((v) => v.channel.type !== 'category')
        .map((v) => v.channel.id);
      const channelIds = q.channelId ? visible.filter((id) => id === q.channelId) : visible;
      const { items, total } = await repos.search.search(
        {
          guildId,
          channelIds,
          terms: searchTerms(q.q),
          authorId: q.authorId,
          mentions: q.mentions,
          has: q.has,
          before: q.before ? new Date(q.before) : undefined,
          after: q.after ? new Date(q.after) : undefined,
        },
        { cursor: q.cursor, limit: q.limit + 1 },
      );
      const page = items.slice(0, q.limit);
      // views() reads replies and pins per channel: one call per channel of the page, then back in the page's order.
      const byChannel = new Map<string, MessageRecord[]>();
      for (const m of page) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m]);
      const viewed = new Map((await Promise.all([...byChannel.values()].map((list) => views(list, userId)))).flat().map((m) => [m.id, m]));
      return {
        items: page.map((m) => viewed.get(m.id)!),
        total,
        nextCursor: items.length > q.limit ? page[page.length - 1]!.id : null,
      };
    },

    async get(userId: string, channelId: string, messageId: string): Promise<Message> {
      await requireText(userId, channelId, 'VIEW_CHANNEL');
      const m = await repos.messages.find(channelId, messageId);
      if (!m) throw AppError.notFound('Message');
      return viewOne(m, userId);
    },

    /**
     * Returns `created: false` when the nonce matched an earlier send (the original message comes back, and only the
     * send that stored it announced it).
     */
    async send(userId: string, channelId: string, body: SendMessageBody): Promise<{ message: Message; created: boolean }> {
      const access = await requireText(userId, channelId, 'SEND_MESSAGES');
      const { channel } = access;
      // A reply answers a message of this channel that exists; with mentionReplied (the default) it pings its author.
      const original = body.replyTo ? await repos.messages.find(channelId, body.replyTo) : null;
      if (body.replyTo && !original) throw new AppError('INVALID_REPLY', 'The message to reply to is not in this channel');
      const pinged =
        original && body.mentionReplied !== false && original.authorId !== userId && original.type === 'default' ? [original.authorId] : [];
      const attachmentIds = body.attachmentIds ?? [];
      if (attachmentIds.length > 0 && !hasPermission(access.permissions, Permission.ATTACH_FILES))
        throw AppError.forbidden('Missing permission ATTACH_FILES');
      if (access.guild === null) await deps.privateChannels?.checkSend(userId, access.channel);
      await deliverable();
      const claimBy = body.nonce ? `nonce:${channelId}:${userId}:${body.nonce}` : `send:${randomUUID()}`;
      const attachments = await claimAttachments(userId, channelId, attachmentIds, claimBy);
      const result = await repos.messages
        .insert({
          channelId,
          guildId: channel.guildId,
          authorId: userId,
          content: body.content,
          nonce: body.nonce ?? null,
          mentions: await resolveMentions(access, body.content, pinged),
          mentionRoles: resolveRoleMentions(access, body.content),
          replyTo: original?.id ?? null,
          attachments,
          createdAt: clock.now(),
          editedAt: null,
        })
        .catch(async (err: unknown) => {
          await repos.attachments.releaseClaims(attachmentIds, claimBy);
          throw err;
        });
      if (result.status !== 'nonce-spent') await repos.attachments.markSent(attachmentIds, result.record.id);
      if (result.status === 'nonce-spent')
        throw new AppError('CONFLICT', 'The message sent with this nonce was deleted; send with a new nonce');
      const message = await viewOne(result.record, result.status === 'existing' ? userId : null);
      if (result.status === 'existing') return { message, created: false };
      // A 1:1 DM someone had closed comes back to their list first, so the message lands in a channel they have.
      if (access.guild === null) await deps.privateChannels?.afterSend(access.channel);
      await gateway.publishToGuild(channel.guildId, 'MESSAGE_CREATE', message, { channelId });
      refreshEmbeds(result.record);
      return { message, created: true };
    },

    async edit(userId: string, channelId: string, messageId: string, content: string): Promise<Message> {
      const access = await requireText(userId, channelId, 'VIEW_CHANNEL');
      const { channel } = access;
      const existing = await repos.messages.find(channelId, messageId);
      if (!existing) throw AppError.notFound('Message');
      if (existing.authorId !== userId) throw AppError.forbidden('Only the author can edit a message');
      if (existing.type !== 'default') throw AppError.forbidden('System messages cannot be edited');
      if (access.guild === null) await deps.privateChannels?.checkSend(userId, access.channel);
      await deliverable();
      // A reply's ping of the original's author is not written in the text: it stays through edits.
      const written = mentionedIds(existing.content);
      const replyPing = existing.replyTo ? existing.mentions.map((u) => u.id).filter((id) => !written.includes(id)) : [];
      const updated = await repos.messages.updateContent(
        channelId,
        messageId,
        content,
        await resolveMentions(access, content, replyPing),
        clock.now(),
        resolveRoleMentions(access, content),
        existing.content !== content,
      );
      if (!updated) throw AppError.notFound('Message');
      // For moderators: what this edit replaced (an unchanged text is no edit worth keeping).
      if (existing.content !== content)
        await repos.edits.record({
          messageId,
          channelId,
          guildId: channel.guildId,
          content: existing.content,
          replacedAt: updated.editedAt ?? clock.now(),
        });
      const message = await announceUpdate(updated, userId);
      if (existing.content !== content) refreshEmbeds(updated);
      return message;
    },

    /** The author or MANAGE_MESSAGES; for good (later edits make none either). Suppressing twice tells no one. */
    async suppressEmbeds(userId: string, channelId: string, messageId: string): Promise<void> {
      const { permissions: perms } = await requireText(userId, channelId, 'VIEW_CHANNEL');
      const existing = await repos.messages.find(channelId, messageId);
      if (!existing) throw AppError.notFound('Message');
      if (existing.authorId !== userId && !hasPermission(perms, Permission.MANAGE_MESSAGES))
        throw AppError.forbidden('Missing permission MANAGE_MESSAGES');
      if (existing.suppressEmbeds) return;
      await deliverable();
      const updated = await repos.messages.suppressEmbeds(channelId, messageId);
      if (!updated) throw AppError.notFound('Message');
      await announceUpdate(updated, userId);
    },

    /** Waits for the previews under way (shutdown). */
    async settle(): Promise<void> {
      await Promise.allSettled([...pending]);
    },

    async remove(userId: string, channelId: string, messageId: string): Promise<void> {
      const { channel, permissions: perms } = await requireText(userId, channelId, 'VIEW_CHANNEL');
      const existing = await repos.messages.find(channelId, messageId);
      if (!existing) throw AppError.notFound('Message');
      const isAuthor = existing.authorId === userId;
      if (!isAuthor && !hasPermission(perms, Permission.MANAGE_MESSAGES)) throw AppError.forbidden('Missing permission MANAGE_MESSAGES');
      await deliverable();
      await repos.messages.delete(channelId, messageId);
      // Only moderators delete others' messages, and only in guilds (a DM has none).
      if (!isAuthor && channel.guildId !== null)
        await audit.record({
          guildId: channel.guildId,
          action: 'message.delete',
          actorId: userId,
          targetId: existing.authorId,
          details: { channelId, messageId },
        });
      await gateway.publishToGuild(
        channel.guildId,
        'MESSAGE_DELETE',
        { id: messageId, channelId, guildId: channel.guildId },
        { channelId },
      );
    },

    /** Earlier versions of a message (MANAGE_MESSAGES): at most the last 100 edits. */
    async edits(userId: string, channelId: string, messageId: string): Promise<{ items: { content: string; replacedAt: string }[] }> {
      await permissions.requireChannelPermission(userId, channelId, 'MANAGE_MESSAGES');
      if (!(await repos.messages.find(channelId, messageId))) throw AppError.notFound('Message');
      return {
        items: (await repos.edits.list(messageId, 100)).map((e) => ({ content: e.content, replacedAt: e.replacedAt.toISOString() })),
      };
    },

    /**
     * MANAGE_MESSAGES in a guild, any recipient in a private channel (as on Discord); idempotent (a second pin or unpin
     * changes nothing and tells no one).
     */
    async setPinned(userId: string, channelId: string, messageId: string, pin: boolean): Promise<void> {
      const access = await permissions.requireChannelPermission(userId, channelId, 'VIEW_CHANNEL');
      const { channel } = access;
      if (access.guild !== null && !hasPermission(access.permissions, Permission.MANAGE_MESSAGES)) {
        deps.log?.info({ userId, channelId, perm: 'MANAGE_MESSAGES' }, 'permission denied');
        throw AppError.forbidden('Missing permission MANAGE_MESSAGES');
      }
      const existing = await repos.messages.find(channelId, messageId);
      if (!existing) throw AppError.notFound('Message');
      if (pin && (await repos.pins.count(channelId)) >= MAX_PINS)
        throw new AppError('VALIDATION_FAILED', `A channel can have at most ${MAX_PINS} pinned messages`);
      await deliverable();
      const changed = pin
        ? await repos.pins.pin({ channelId, guildId: channel.guildId, messageId, pinnedBy: userId, pinnedAt: clock.now() })
        : await repos.pins.unpin(channelId, messageId);
      if (!changed) return;
      if (channel.guildId !== null)
        await audit.record({
          guildId: channel.guildId,
          action: pin ? 'message.pin' : 'message.unpin',
          actorId: userId,
          targetId: existing.authorId,
          details: { channelId, messageId },
        });
      await gateway.publishToGuild(
        channel.guildId,
        'CHANNEL_PINS_UPDATE',
        { guildId: channel.guildId, channelId, messageId, pinned: pin },
        { channelId },
      );
    },

    async pins(userId: string, channelId: string): Promise<{ items: Message[] }> {
      await requireText(userId, channelId, 'VIEW_CHANNEL');
      const list = await repos.pins.list(channelId, MAX_PINS);
      const found = new Map(
        (
          await repos.messages.findMany(
            channelId,
            list.map((p) => p.messageId),
          )
        ).map((m) => [m.id, m]),
      );
      return {
        items: await views(
          list.flatMap((p) => found.get(p.messageId) ?? []),
          userId,
        ),
      };
    },

    async typing(userId: string, channelId: string): Promise<void> {
      const access = await requireText(userId, channelId, 'SEND_MESSAGES');
      const { channel } = access;
      // A block between the two of a 1:1 DM stops all contact there, typing included (not only new messages).
      if (access.guild === null) await deps.privateChannels?.checkSend(userId, access.channel);
      const user = await repos.users.findById(userId);
      await gateway.publishToGuild(
        channel.guildId,
        'TYPING_START',
        { guildId: channel.guildId, channelId, user: user ? publicUserView(user) : deletedUser(userId), at: clock.now().toISOString() },
        { channelId },
      );
    },
  };
}
