import type { Db } from 'mongodb';
import type { PermissionCache } from '../permissions/permission-cache';
import { createAttachmentsRepo } from '../modules/attachments/attachments.repo';
import { createAuditRepo } from '../modules/audit/audit.repo';
import { createRefreshTokensRepo } from '../modules/auth/refresh-tokens.repo';
import { createChannelsRepo } from '../modules/channels/channels.repo';
import { createGuildsRepo } from '../modules/guilds/guilds.repo';
import { createImagesRepo } from '../modules/images/images.repo';
import { createInvitesRepo } from '../modules/invites/invites.repo';
import { createMessagesRepo } from '../modules/messages/messages.repo';
import { createEditsRepo } from '../modules/messages/edits.repo';
import { createPinsRepo } from '../modules/messages/pins.repo';
import { createReactionsRepo } from '../modules/messages/reactions.repo';
import { createSearchRepo } from '../modules/messages/search.repo';
import { createPrivateChannelsRepo } from '../modules/private-channels/private-channels.repo';
import { createRelationshipsRepo } from '../modules/relationships/relationships.repo';
import { createRolesRepo } from '../modules/roles/roles.repo';
import { createUsersRepo } from '../modules/users/users.repo';

export interface RepoHooks {
  /**
   * Runs after every write (successful or not) that can change a permission decision or a cached display name: guild,
   * member, ban, role, channel and user writes, and session revocations. Awaited, so the write's caller sees it done (the permission cache is
   * cleared and the other instances told) before it answers.
   */
  afterPermissionWrite?: () => Promise<void>;
}

/** Wraps `writes` of `repo` so each one runs `after` once it settled. Reads are untouched. */
function withAfterWrite<R extends object>(repo: R, writes: readonly (keyof R)[], after: (() => Promise<void>) | undefined): R {
  if (!after) return repo;
  const wrapped: R = { ...repo };
  for (const name of writes) {
    const fn = repo[name];
    if (typeof fn !== 'function') throw new Error(`withAfterWrite: ${String(name)} is not a function`);
    (wrapped as Record<keyof R, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
      } finally {
        await after();
      }
    };
  }
  return wrapped;
}

/** Every core repository; only these touch collections. */
export function createRepos(db: Db, hooks: RepoHooks = {}) {
  const after = hooks.afterPermissionWrite;
  return {
    users: withAfterWrite(createUsersRepo(db), ['update', 'rename'], after),
    // Revoking a session must reach the cached session check (cachedPermissionReads) on every instance at once.
    refreshTokens: withAfterWrite(
      createRefreshTokensRepo(db),
      ['revokeFamily', 'revokeFamilyOf', 'revokeAllForUserExcept', 'revokeAllForUser'],
      after,
    ),
    guilds: withAfterWrite(
      createGuildsRepo(db),
      [
        'insertGuild',
        'updateGuild',
        'deleteGuild',
        'insertMember',
        'updateMember',
        'addMemberRole',
        'removeMemberRole',
        'pullRoleFromAll',
        'deleteMember',
        'deleteAllMembers',
        'insertBan',
        'deleteBan',
        'deleteAllBans',
      ],
      after,
    ),
    roles: withAfterWrite(createRolesRepo(db), ['insert', 'update', 'setPositions', 'delete', 'deleteAll'], after),
    channels: withAfterWrite(
      createChannelsRepo(db),
      ['insert', 'update', 'bulkUpdate', 'detachChildren', 'pullOverwrites', 'delete', 'deleteAll'],
      after,
    ),
    messages: createMessagesRepo(db),
    reactions: createReactionsRepo(db),
    pins: createPinsRepo(db),
    edits: createEditsRepo(db),
    search: createSearchRepo(db),
    invites: createInvitesRepo(db),
    audit: createAuditRepo(db),
    images: createImagesRepo(db),
    attachments: createAttachmentsRepo(db),
    relationships: createRelationshipsRepo(db),
    privateChannels: createPrivateChannelsRepo(db),
  };
}
export type Repos = ReturnType<typeof createRepos>;

/** Every repository's indexes, one collection after another (boot only; each repository owns its collections'). */
export async function ensureRepoIndexes(repos: Repos): Promise<void> {
  for (const repo of Object.values(repos)) if ('ensureIndexes' in repo) await repo.ensureIndexes();
}

/**
 * Records cached as `<prefix><id>` (the same entries single reads use), the missing ones fetched in one call; ids
 * that have no record are cached as absent too.
 */
async function readManyByIds<T extends object>(
  cache: PermissionCache,
  prefix: string,
  ids: readonly string[],
  fetch: (ids: string[]) => Promise<T[]>,
  idOf: (record: T) => string,
): Promise<T[]> {
  const found = await cache.readMany(
    ids.map((id) => prefix + id),
    async (missing) => {
      const byKey = new Map((await fetch(missing.map((key) => key.slice(prefix.length)))).map((r) => [prefix + idOf(r), r as T | null]));
      return new Map(missing.map((key) => [key, byKey.get(key) ?? null]));
    },
  );
  return [...found.values()].filter((r) => r !== null);
}

/**
 * The core repositories' permission-relevant reads (guild, member, roles, channel, user display name) served through
 * `cache`. Only the permission service and the voice join path use these; everything else reads the database.
 * Callers must treat returned records as read-only: they are shared.
 */
export function cachedPermissionReads(repos: Repos, cache: PermissionCache) {
  return {
    guilds: {
      ...repos.guilds,
      findGuild: (id: string) => cache.read(`guild:${id}`, () => repos.guilds.findGuild(id)),
      findMember: (guildId: string, userId: string) =>
        cache.read(`member:${guildId}:${userId}`, () => repos.guilds.findMember(guildId, userId)),
      /** The same `member:` entries as findMember; the missing ones in one query. */
      membersByUserIds: (guildId: string, userIds: readonly string[]) =>
        readManyByIds(
          cache,
          `member:${guildId}:`,
          userIds,
          (missing) => repos.guilds.membersByUserIds(guildId, missing),
          (m) => m.userId,
        ),
      membershipsOf: (userId: string) => cache.read(`memberships:${userId}`, () => repos.guilds.membershipsOf(userId)),
    },
    roles: { ...repos.roles, listByGuild: (guildId: string) => cache.read(`roles:${guildId}`, () => repos.roles.listByGuild(guildId)) },
    channels: {
      ...repos.channels,
      find: (id: string) => cache.read(`channel:${id}`, () => repos.channels.find(id)),
      listByGuild: (guildId: string) => cache.read(`channels:${guildId}`, () => repos.channels.listByGuild(guildId)),
    },
    users: {
      ...repos.users,
      findById: (id: string) => cache.read(`user:${id}`, () => repos.users.findById(id)),
      findManyByIds: (ids: readonly string[]) =>
        readManyByIds(
          cache,
          'user:',
          ids,
          (missing) => repos.users.findManyByIds(missing),
          (u) => u.id,
        ),
    },
    /** Whether a session (refresh-token family) is still logged in: checked with every access token. */
    sessions: { isLive: (familyId: string) => cache.read(`session:${familyId}`, () => repos.refreshTokens.isFamilyLive(familyId)) },
  };
}
export type CachedReads = ReturnType<typeof cachedPermissionReads>;
