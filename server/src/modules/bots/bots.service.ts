import { randomBytes } from 'node:crypto';
import { API_SCOPES, type ApiToken, type Bot, type BotWithToken, type CreateApiTokenBody, type CreatedApiToken } from '@shared/api/bots';
import type { Clock } from '../../clock';
import type { Repos } from '../../db/repos';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import { deletedUser, memberView, publicUserView } from '../../http/views';
import type { Logger } from '../../logger';
import type { PermissionService } from '../../permissions/permission.service';
import type { AuditService } from '../audit/audit.service';
import type { AccessClaims } from '../auth/tokens';
import type { UserRecord } from '../users/users.repo';
import { anonymisedUser } from '../users/users.repo';
import { newApiToken, parseApiToken, secretMatches } from './api-token-format';
import type { ApiTokenRecord, ApiTokensRepo } from './api-tokens.repo';

/** Bots one person may own, and personal tokens one person may hold. */
export const BOTS_PER_OWNER = 10;
export const API_TOKENS_PER_USER = 25;
/**
 * A gateway connection opened with an API token is closed (SESSION_EXPIRED, TOKEN_EXPIRED) after at most this long, or
 * at the token's expiry if sooner; the client reconnects with the same token. Revocation closes it at once anyway.
 */
const TOKEN_SESSION_MAX_SECONDS = 24 * 60 * 60;

/** The gateway's `authSession` of a connection opened with this token, so revoking the token can close it. */
export const tokenSession = (tokenId: string) => `token:${tokenId}`;

const apiTokenView = (t: ApiTokenRecord): ApiToken => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt ? t.expiresAt.toISOString() : null,
});

export type BotsService = ReturnType<typeof createBotsService>;

/**
 * Bot accounts (a user document with `bot: true` and `ownerId`, no password: it can only use its token) and personal
 * API tokens. Tokens are checked by `verify` on every request and gateway handshake (one read by id); revoking one
 * deletes its record and closes the gateway connections opened with it.
 */
export function createBotsService(deps: {
  repos: Repos;
  tokens: ApiTokensRepo;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  audit: AuditService;
  clock: Clock;
  log: Logger;
  /** A user record through the record cache (the bot's owner, on every bot-token verification). */
  findUserCached(id: string): Promise<UserRecord | null>;
  /** Guild membership removal with its events and voice disconnect (guilds.service removeMember). */
  removeMember(guildId: string, userId: string, actorId: string): Promise<boolean>;
}) {
  const { repos, tokens, permissions, gateway, audit, clock, log } = deps;

  /**
   * Account-scoped audit entries (see 'token.create' in audit.ts), listed by GET /users/@me/audit-log. `name` is the
   * token's or bot's name at the time, so the list still says what it was once the token or bot is gone.
   */
  const auditToken = (t: Pick<ApiTokenRecord, 'ownerId' | 'userId' | 'kind' | 'id' | 'name'>, action: 'token.create' | 'token.revoke') =>
    audit.record({
      guildId: t.ownerId,
      action,
      actorId: t.ownerId,
      targetId: t.userId,
      details: { kind: t.kind, tokenId: t.id, name: t.name },
    });
  const auditBot = (bot: UserRecord, action: 'bot.create' | 'bot.delete') =>
    audit.record({
      guildId: bot.ownerId ?? '',
      action,
      actorId: bot.ownerId ?? null,
      targetId: bot.id,
      details: { name: bot.displayName },
    });

  async function botView(bot: UserRecord): Promise<Bot> {
    const memberships = await repos.guilds.membershipsOf(bot.id);
    return {
      id: bot.id,
      username: bot.username,
      displayName: bot.displayName,
      createdAt: bot.createdAt.toISOString(),
      guildIds: memberships.map((m) => m.guildId),
    };
  }

  /** The bot, when `ownerId` owns it; 404 otherwise (others cannot tell a bot they do not own from none). */
  async function ownBot(ownerId: string, botId: string): Promise<UserRecord> {
    const bot = await repos.users.findById(botId);
    if (!bot?.bot || bot.ownerId !== ownerId || bot.deletedAt) throw AppError.notFound('Bot');
    return bot;
  }

  async function issueBotToken(bot: UserRecord): Promise<string> {
    const id = newId();
    const { token, hash } = newApiToken('bot', id);
    const record: ApiTokenRecord = {
      id,
      kind: 'bot',
      userId: bot.id,
      ownerId: bot.ownerId ?? '',
      name: bot.displayName,
      scopes: [...API_SCOPES],
      hash,
      createdAt: clock.now(),
      expiresAt: null,
    };
    await tokens.insert(record);
    await auditToken(record, 'token.create');
    log.info({ botId: bot.id, tokenId: id }, 'bot token issued');
    return token;
  }

  /** Deletes the bot's tokens and closes the gateway connections opened with them. */
  async function revokeBotTokens(bot: UserRecord): Promise<void> {
    for (const t of await tokens.findByUser(bot.id)) {
      if (t.kind !== 'bot' || !(await tokens.delete(t.id))) continue;
      await auditToken(t, 'token.revoke');
      log.info({ botId: bot.id, tokenId: t.id }, 'bot token revoked');
      await gateway.closeSessions(bot.id, (s) => s === tokenSession(t.id), 'This bot token was revoked');
    }
  }

  async function removeBot(bot: UserRecord): Promise<void> {
    const ownerId = bot.ownerId ?? '';
    await revokeBotTokens(bot);
    await gateway.closeSessions(bot.id, () => true, 'This bot was deleted');
    for (const m of await repos.guilds.membershipsOf(bot.id)) {
      if (await deps.removeMember(m.guildId, bot.id, ownerId)) {
        await audit.record({ guildId: m.guildId, action: 'bot.remove', actorId: ownerId, targetId: bot.id, details: { ownerId } });
      }
    }
    await repos.users.update(bot.id, anonymisedUser(bot.id, clock.now(), { username: 'deleted-bot', displayName: 'Deleted bot' }));
    await tokens.releaseSlot(bot.id);
    await auditBot(bot, 'bot.delete');
    log.info({ ownerId, botId: bot.id }, 'bot deleted');
  }

  /** false when it was already gone (a concurrent revocation did the rest). */
  async function revokePersonalToken(t: ApiTokenRecord): Promise<boolean> {
    if (!(await tokens.delete(t.id))) return false;
    await tokens.releaseSlot(t.id);
    await auditToken(t, 'token.revoke');
    log.info({ userId: t.userId, tokenId: t.id }, 'API token revoked');
    await gateway.closeSessions(t.userId, (s) => s === tokenSession(t.id), 'This API token was revoked');
    return true;
  }

  return {
    /** The claims of a bot or personal token; UNAUTHENTICATED when unknown, altered or revoked, TOKEN_EXPIRED past expiry. */
    async verify(token: string): Promise<AccessClaims> {
      const parsed = parseApiToken(token);
      const record = parsed ? await tokens.findById(parsed.id) : null;
      if (!parsed || !record || record.kind !== parsed.kind || !secretMatches(record.hash, parsed.secret)) {
        throw new AppError('UNAUTHENTICATED', 'Invalid API token');
      }
      const now = clock.now().getTime();
      if (record.expiresAt && record.expiresAt.getTime() <= now) throw new AppError('TOKEN_EXPIRED', 'API token expired');
      if (record.kind === 'bot') {
        // A bot acts for its owner: once the owner's account is disabled or deleted, so is every bot of theirs.
        const owner = await deps.findUserCached(record.ownerId);
        if (!owner || owner.deletedAt || owner.disabledAt) throw new AppError('UNAUTHENTICATED', "The bot's owner can no longer act");
      }
      const cap = now + TOKEN_SESSION_MAX_SECONDS * 1000;
      const exp = Math.floor(Math.min(record.expiresAt?.getTime() ?? cap, cap) / 1000);
      return { userId: record.userId, sessionId: null, exp, apiToken: { id: record.id, kind: record.kind, scopes: record.scopes } };
    },

    async listBots(ownerId: string): Promise<Bot[]> {
      return Promise.all((await repos.users.listBotsOf(ownerId)).map(botView));
    },

    async createBot(ownerId: string, name: string): Promise<BotWithToken> {
      const owner = await repos.users.findById(ownerId);
      if (!owner || owner.bot) throw AppError.forbidden('Bots cannot own bots');
      const id = newId();
      if (!(await tokens.claimSlot(`bot:${ownerId}`, BOTS_PER_OWNER, id))) {
        throw AppError.forbidden(`You already have ${BOTS_PER_OWNER} bots; delete one first`);
      }
      let bot: UserRecord | null = null;
      try {
        for (let attempt = 0; !bot && attempt < 3; attempt++) {
          bot = await repos.users.insert({
            id,
            username: `bot-${randomBytes(5).toString('hex')}`,
            displayName: name,
            passwordHash: '',
            createdAt: clock.now(),
            botOwnerId: ownerId,
          });
        }
        if (!bot) throw new Error('could not draw a free bot username');
      } catch (err) {
        await tokens.releaseSlot(id);
        throw err;
      }
      await auditBot(bot, 'bot.create');
      log.info({ ownerId, botId: id }, 'bot created');
      const token = await issueBotToken(bot);
      return { bot: await botView(bot), token };
    },

    async renameBot(ownerId: string, botId: string, name: string): Promise<Bot> {
      await ownBot(ownerId, botId);
      const updated = await repos.users.update(botId, { displayName: name });
      if (!updated) throw AppError.notFound('Bot');
      return botView(updated);
    },

    async resetBotToken(ownerId: string, botId: string): Promise<{ token: string }> {
      const bot = await ownBot(ownerId, botId);
      await revokeBotTokens(bot);
      return { token: await issueBotToken(bot) };
    },

    /** Tokens first (it stops acting at once), then its guilds, then the account becomes a tombstone like a deleted user. */
    async deleteBot(ownerId: string, botId: string): Promise<void> {
      await removeBot(await ownBot(ownerId, botId));
    },

    /**
     * Everything an account being deleted holds here ends: each personal token is revoked (its gateway connections
     * closed) and each bot it owns is deleted as deleteBot does. Idempotent, so users.service deleteAccount can run it
     * before its commit point and again after it (a bot or token created by a request racing the deletion).
     */
    async endAccount(userId: string): Promise<void> {
      for (const t of await tokens.listPersonal(userId)) await revokePersonalToken(t);
      for (const bot of await repos.users.listBotsOf(userId)) await removeBot(bot);
    },

    /** MANAGE_GUILD in the guild, and only the bot's owner may add it (nobody puts someone else's bot in their guild). */
    async addToGuild(actorId: string, guildId: string, botId: string): Promise<void> {
      await permissions.requireGuildPermission(actorId, guildId, 'MANAGE_GUILD');
      const bot = await ownBot(actorId, botId);
      if (await repos.guilds.findBan(guildId, botId)) throw new AppError('BANNED', 'This bot is banned from this guild');
      const member = { guildId, userId: botId, roleIds: [], nick: null, joinedAt: clock.now() };
      if (!(await repos.guilds.insertMember(member))) return;
      await audit.record({ guildId, action: 'bot.add', actorId, targetId: botId, details: { ownerId: actorId } });
      gateway.addUserToGuild(botId, guildId);
      await gateway.publishToGuild(guildId, 'MEMBER_ADD', memberView(member, bot ? publicUserView(bot) : deletedUser(botId)));
      const status = (await gateway.presenceOf([botId])).get(botId) ?? 'offline';
      await gateway.publishToGuild(guildId, 'PRESENCE_UPDATE', { userId: botId, status });
      const snapshot = await gateway.guildSnapshot(botId, guildId);
      if (snapshot) gateway.publishToUser(botId, 'GUILD_CREATE', snapshot);
    },

    /** MANAGE_GUILD, or the bot's owner while a member of the guild. */
    async removeFromGuild(actorId: string, guildId: string, botId: string): Promise<void> {
      const bot = await repos.users.findById(botId);
      if (bot?.bot && bot.ownerId === actorId) await permissions.requireGuildMember(actorId, guildId);
      else await permissions.requireGuildPermission(actorId, guildId, 'MANAGE_GUILD');
      if (!bot?.bot || !(await deps.removeMember(guildId, botId, actorId))) throw AppError.notFound('Bot');
      await audit.record({ guildId, action: 'bot.remove', actorId, targetId: botId, details: { ownerId: bot.ownerId } });
    },

    async listTokens(userId: string): Promise<ApiToken[]> {
      return (await tokens.listPersonal(userId)).map(apiTokenView);
    },

    async createToken(userId: string, body: CreateApiTokenBody): Promise<CreatedApiToken> {
      const id = newId();
      if (!(await tokens.claimSlot(`personal:${userId}`, API_TOKENS_PER_USER, id))) {
        throw AppError.forbidden(`You already have ${API_TOKENS_PER_USER} API tokens; revoke one first`);
      }
      const now = clock.now();
      const { token, hash } = newApiToken('personal', id);
      const record: ApiTokenRecord = {
        id,
        kind: 'personal',
        userId,
        ownerId: userId,
        name: body.name,
        scopes: [...new Set(body.scopes)],
        hash,
        createdAt: now,
        expiresAt: body.expiresInDays === null ? null : new Date(now.getTime() + body.expiresInDays * 86_400_000),
      };
      try {
        await tokens.insert(record);
      } catch (err) {
        await tokens.releaseSlot(id);
        throw err;
      }
      await auditToken(record, 'token.create');
      log.info({ userId, tokenId: id, scopes: record.scopes }, 'API token created');
      return { apiToken: apiTokenView(record), token };
    },

    async revokeToken(userId: string, tokenId: string): Promise<void> {
      const record = await tokens.findById(tokenId);
      if (record?.kind !== 'personal' || record.ownerId !== userId || !(await revokePersonalToken(record)))
        throw AppError.notFound('API token');
    },
  };
}
