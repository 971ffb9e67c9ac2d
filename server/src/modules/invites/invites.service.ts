import { randomBytes } from 'node:crypto';
import type { CreateInviteBody, Guild, Invite, InvitePreview } from '@shared/api/guilds';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import type { Clock } from '../../clock';
import type { Repos } from '../../db/repos';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import { deletedUser, guildView, memberView, publicUserView } from '../../http/views';
import type { Logger } from '../../logger';
import type { PermissionService } from '../../permissions/permission.service';
import type { AuditService } from '../audit/audit.service';
import { createSystemMessages } from '../messages/system-messages';
import type { InviteRecord } from './invites.repo';

const inviteView = (i: InviteRecord): Invite => ({
  code: i.code,
  guildId: i.guildId,
  inviterId: i.inviterId,
  maxUses: i.maxUses,
  uses: i.uses,
  expiresAt: i.expiresAt ? i.expiresAt.toISOString() : null,
  createdAt: i.createdAt.toISOString(),
});

export function createInvitesService(deps: {
  repos: Repos;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  audit: AuditService;
  clock: Clock;
  log: Logger;
}) {
  const { repos, permissions, gateway, audit, clock, log } = deps;
  const systemMessages = createSystemMessages({ repos, gateway, clock, log });

  const usable = (i: InviteRecord, now: Date) => (i.expiresAt === null || i.expiresAt > now) && (i.maxUses === 0 || i.uses < i.maxUses);

  /** The invite when it can still be used; INVITE_INVALID otherwise (unknown, expired and used up look the same). */
  async function live(code: string): Promise<InviteRecord> {
    const invite = await repos.invites.find(code);
    if (!invite || !usable(invite, clock.now()) || !(await repos.guilds.findGuild(invite.guildId))) {
      throw new AppError('INVITE_INVALID', 'This invite is invalid or has expired');
    }
    return invite;
  }

  return {
    async create(userId: string, guildId: string, body: CreateInviteBody): Promise<Invite> {
      await permissions.requireGuildMember(userId, guildId);
      const now = clock.now();
      for (let attempt = 0; ; attempt++) {
        const invite: InviteRecord = {
          code: randomBytes(8).toString('base64url').slice(0, 10),
          guildId,
          inviterId: userId,
          maxUses: body.maxUses,
          uses: 0,
          expiresAt: body.maxAgeSeconds > 0 ? new Date(now.getTime() + body.maxAgeSeconds * 1000) : null,
          createdAt: now,
        };
        if (await repos.invites.insert(invite)) {
          await audit.record({ guildId, action: 'invite.create', actorId: userId, targetId: invite.code });
          return inviteView(invite);
        }
        // The random code was taken: draw another, a few times.
        if (attempt >= 3) throw new Error('could not draw a free invite code');
      }
    },

    async list(userId: string, guildId: string): Promise<{ items: Invite[] }> {
      await permissions.requireGuildPermission(userId, guildId, 'MANAGE_GUILD');
      return { items: (await repos.invites.listByGuild(guildId)).map(inviteView) };
    },

    async preview(code: string): Promise<InvitePreview> {
      const invite = await live(code);
      const [guild, inviter, memberCount] = await Promise.all([
        repos.guilds.findGuild(invite.guildId),
        repos.users.findById(invite.inviterId),
        repos.guilds.countMembers(invite.guildId),
      ]);
      if (!guild) throw new AppError('INVITE_INVALID', 'This invite is invalid or has expired');
      return {
        code: invite.code,
        guild: { id: guild.id, name: guild.name, memberCount },
        inviter: inviter ? publicUserView(inviter) : null,
        expiresAt: invite.expiresAt ? invite.expiresAt.toISOString() : null,
      };
    },

    /**
     * Ban check → already a member (no use taken) → claim a use (an insert under a unique index: atomic, so a limited
     * invite lets exactly `maxUses` people in however many accept at once) → insert the membership. When that insert
     * fails the claim is given back, so `uses` counts members who joined through the invite; when it failed because a
     * concurrent accept by the same user made them a member, they get the guild like that accept did.
     */
    async accept(userId: string, code: string): Promise<Guild> {
      const invite = await live(code);
      const guild = await repos.guilds.findGuild(invite.guildId);
      if (!guild) throw new AppError('INVITE_INVALID', 'This invite is invalid or has expired');
      if (await repos.guilds.findBan(guild.id, userId)) {
        log.info({ userId, guildId: guild.id }, 'banned user tried to join');
        throw new AppError('BANNED', 'You are banned from this guild');
      }
      if (await repos.guilds.findMember(guild.id, userId)) return guildView(guild);
      const useId = await repos.invites.claimUse(invite, userId, clock.now());
      if (useId === null) {
        if (await repos.guilds.findMember(guild.id, userId)) return guildView(guild);
        throw new AppError('INVITE_INVALID', 'This invite is invalid or has expired');
      }
      const member = { guildId: guild.id, userId, roleIds: [], nick: null, joinedAt: clock.now() };
      let joined: boolean;
      try {
        joined = await repos.guilds.insertMember(member);
      } catch (err) {
        await repos.invites.releaseUse(useId);
        throw err;
      }
      if (!joined) {
        // A concurrent accept of this user got there first: this use is not needed.
        await repos.invites.releaseUse(useId);
        return guildView(guild);
      }
      await audit.record({ guildId: guild.id, action: 'invite.use', actorId: userId, targetId: code });
      const user = await repos.users.findById(userId);
      gateway.addUserToGuild(userId, guild.id);
      await gateway.publishToGuild(guild.id, 'MEMBER_ADD', memberView(member, user ? publicUserView(user) : deletedUser(userId)));
      // Their presence so far went only to guilds they already shared with these members.
      const status = (await gateway.presenceOf([userId])).get(userId) ?? 'offline';
      await gateway.publishToGuild(guild.id, 'PRESENCE_UPDATE', { userId, status });
      const snapshot = await gateway.guildSnapshot(userId, guild.id);
      if (snapshot) gateway.publishToUser(userId, 'GUILD_CREATE', snapshot);
      await systemMessages.memberJoined(guild.id, guild.systemChannelId, userId);
      return guildView(guild);
    },

    async remove(userId: string, code: string): Promise<void> {
      const invite = await repos.invites.find(code);
      if (!invite) throw new AppError('INVITE_INVALID', 'This invite is invalid or has expired');
      const access = await permissions.requireGuildMember(userId, invite.guildId).catch(() => null);
      if (!access) throw new AppError('INVITE_INVALID', 'This invite is invalid or has expired');
      if (invite.inviterId !== userId && !hasPermission(access.permissions, Permission.MANAGE_GUILD))
        throw AppError.forbidden('Missing permission MANAGE_GUILD');
      await repos.invites.delete(code);
    },
  };
}
