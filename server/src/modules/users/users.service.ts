import type { ExportedMembership, ExportedMessage, UserExport } from '@shared/api/account';
import type { Clock } from '../../clock';
import type { Repos } from '../../db/repos';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import type { AuthRateLimits } from '../../http/rate-limit';
import { deletedUser, userView } from '../../http/views';
import type { Logger } from '../../logger';
import type { AuditService } from '../audit/audit.service';
import { verifyPassword } from '../auth/auth.service';
import type { GuildsService } from '../guilds/guilds.service';
import { anonymisedUser, type UserRecord } from './users.repo';

/** Messages read per page while building an export. */
export const EXPORT_PAGE_SIZE = 1000;

export type UsersService = ReturnType<typeof createUsersService>;

/** The account's own lifecycle: deleting it and exporting its data. */
export function createUsersService(deps: {
  repos: Repos;
  guilds: Pick<GuildsService, 'removeMember'>;
  gateway: Pick<GatewayPublisher, 'publishToUser'>;
  audit: AuditService;
  rateLimits: Pick<AuthRateLimits, 'checkAccount' | 'failAccount'>;
  /**
   * Ends what the account holds in other modules (account-hooks.ts; the bots module: its personal tokens revoked, its
   * bots deleted). Idempotent.
   */
  endOwned: (userId: string) => Promise<void>;
  clock: Clock;
  log: Logger;
}) {
  const { repos, guilds, gateway, audit, rateLimits, clock, log } = deps;

  async function liveUser(userId: string): Promise<UserRecord> {
    const user = await repos.users.findById(userId);
    if (!user || user.deletedAt) throw new AppError('UNAUTHENTICATED', 'Account no longer exists');
    return user;
  }

  /** Leaves every guild the user is in (voice disconnected there too); one audit line per guild actually left. */
  async function leaveAll(userId: string): Promise<void> {
    for (const m of await repos.guilds.membershipsOf(userId)) {
      if (await guilds.removeMember(m.guildId, userId, userId)) {
        await audit.record({ guildId: m.guildId, action: 'member.account_delete', actorId: userId, targetId: userId });
      }
    }
  }

  /**
   * Friends, requests and blocks with a deleted account end (Discord drops it from everyone's list): each document
   * from or to the user is deleted by `_id`, and each other user who could see one is told. Idempotent, so a retried
   * deletion finishes what a failed one left.
   */
  async function dropRelationships(userId: string): Promise<void> {
    const told = new Set<string>();
    for (const r of await repos.relationships.listOf(userId)) {
      await repos.relationships.remove(r.kind, r.from, r.to);
      const other = r.from === userId ? r.to : r.from;
      // A block the deleted user made was never visible to the blocked user; everything else was on their list.
      const visible = r.kind === 'friend' || r.from === other;
      if (visible && !told.has(other)) {
        told.add(other);
        gateway.publishToUser(other, 'RELATIONSHIP_REMOVE', { userId });
      }
    }
  }

  return {
    /**
     * Discord's behaviour: the messages stay and show a deleted user; the account itself becomes an anonymous
     * tombstone. Writes are ordered so that a failure anywhere leaves a state the same request completes when retried
     * (the password and the session still work until the last write):
     * 1. refresh tokens revoked (no new access tokens), 2. personal API tokens revoked and owned bots deleted (their
     * tokens refused, their gateway connections closed, out of every guild: `endOwned`), 3. every membership removed
     * (voice disconnected, guilds told), 4. the record anonymised in ONE document write — the commit point: the name is
     * free, the password gone, and the access-token account check refuses its tokens from here on. Then memberships a
     * racing join added are removed too, so are a bot or token a racing request created (their checks already refuse
     * them: a deleted owner's bot, a deleted account's token), and every friendship, request and block with the account
     * ends.
     */
    async deleteAccount(userId: string, password: string): Promise<void> {
      const user = await liveUser(userId);
      await rateLimits.checkAccount(user.username);
      if (!(await verifyPassword(user.passwordHash, password))) {
        await rateLimits.failAccount(user.username);
        throw new AppError('INVALID_CREDENTIALS', 'Password is wrong');
      }
      const owned = await repos.guilds.guildsOwnedBy(userId);
      if (owned.length > 0) {
        throw new AppError(
          'CONFLICT',
          `You own ${owned.length === 1 ? 'a guild' : `${owned.length} guilds`}: transfer ownership or delete ${owned.length === 1 ? 'it' : 'them'} first`,
          {
            guildIds: owned.map((g) => g.id),
          },
        );
      }
      const now = clock.now();
      await repos.refreshTokens.revokeAllForUser(userId, now);
      await deps.endOwned(userId);
      await leaveAll(userId);
      await repos.users.update(userId, anonymisedUser(userId, now, deletedUser(userId)));
      await leaveAll(userId);
      await deps.endOwned(userId);
      await dropRelationships(userId);
      await repos.images.deleteAllOf('avatar', userId);
      // Open gateway sessions: the client's renewal is refused, so it signs out.
      gateway.publishToUser(userId, 'SESSION_EXPIRED', { code: 'TOKEN_EXPIRED', message: 'Account deleted' });
      log.info({ userId }, 'account deleted');
    },

    /** Profile, memberships and every message the user wrote (oldest first), read page by page. */
    async exportData(userId: string): Promise<UserExport> {
      const user = await liveUser(userId);
      const memberships = await repos.guilds.membershipsOf(userId);
      const guildById = new Map((await repos.guilds.findGuilds(memberships.map((m) => m.guildId))).map((g) => [g.id, g]));
      const exported: ExportedMembership[] = [];
      for (const m of memberships) {
        const guild = guildById.get(m.guildId);
        if (!guild) continue;
        const roles = (await repos.roles.listByGuild(m.guildId)).filter((r) => m.roleIds.includes(r.id));
        exported.push({
          guildId: m.guildId,
          guildName: guild.name,
          owner: guild.ownerId === userId,
          nick: m.nick,
          roles: roles.map((r) => ({ id: r.id, name: r.name })),
          joinedAt: m.joinedAt.toISOString(),
        });
      }
      const messages: ExportedMessage[] = [];
      for (let afterId: string | undefined; ;) {
        const batch = await repos.messages.listByAuthor(userId, { limit: EXPORT_PAGE_SIZE, ...(afterId ? { afterId } : {}) });
        for (const m of batch) {
          messages.push({
            id: m.id,
            guildId: m.guildId,
            channelId: m.channelId,
            content: m.content,
            mentions: m.mentions,
            createdAt: m.createdAt.toISOString(),
            editedAt: m.editedAt ? m.editedAt.toISOString() : null,
          });
        }
        if (batch.length < EXPORT_PAGE_SIZE) break;
        afterId = batch.at(-1)?.id;
      }
      log.info({ userId, messages: messages.length }, 'data exported');
      return {
        format: 'parley-user-export',
        version: 1,
        exportedAt: clock.now().toISOString(),
        user: userView(user),
        memberships: exported,
        messages,
      };
    },
  };
}
