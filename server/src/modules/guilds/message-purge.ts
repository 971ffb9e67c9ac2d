import type { Clock } from '../../clock';
import type { Repos } from '../../db/repos';
import type { GatewayPublisher } from '../../gateway/gateway';
import type { AuditService } from '../audit/audit.service';

/** Ids per MESSAGE_DELETE_BULK event (the contract's maximum): a large purge goes out as several events. */
export const BULK_DELETE_IDS_PER_EVENT = 1000;

export interface PurgeOutcome {
  deleted: number;
  channels: number;
}

export type MessagePurge = ReturnType<typeof createMessagePurge>;

/**
 * Deletes one author's messages in one guild (all, or those created in the last `sinceSeconds`), tells the members who
 * can view each channel with MESSAGE_DELETE_BULK, and writes one `message.purge` audit line. Shared by the purge route,
 * a ban that deletes message history and the admin CLI (which has no gateway: its clients see the change on their next
 * history load). Deleting is idempotent, so a purge that failed half-way is completed by running it again.
 */
export function createMessagePurge(deps: {
  repos: Pick<Repos, 'messages'>;
  gateway: Pick<GatewayPublisher, 'publishToGuild'> | null;
  audit: AuditService;
  clock: Clock;
}) {
  const { repos, gateway, audit, clock } = deps;
  return {
    /**
     * `actorId` null marks a system action (the admin CLI). `audit`: 'always' (default: a moderator's purge is
     * recorded even when it found nothing), 'if-deleted' (the CLI sweeping every guild), or 'never' when the caller
     * records its own line (a ban's `member.ban` names the deletion).
     */
    async purge(input: {
      guildId: string;
      authorId: string;
      sinceSeconds: number | null;
      actorId: string | null;
      audit?: 'always' | 'if-deleted' | 'never';
      via?: string;
    }): Promise<PurgeOutcome> {
      const { guildId, authorId, sinceSeconds } = input;
      const since = sinceSeconds === null ? null : new Date(clock.now().getTime() - sinceSeconds * 1000);
      const groups = await repos.messages.deleteByAuthor(guildId, authorId, since);
      let deleted = 0;
      for (const { channelId, ids } of groups) {
        deleted += ids.length;
        for (let i = 0; i < ids.length; i += BULK_DELETE_IDS_PER_EVENT) {
          await gateway?.publishToGuild(
            guildId,
            'MESSAGE_DELETE_BULK',
            { guildId, channelId, ids: ids.slice(i, i + BULK_DELETE_IDS_PER_EVENT) },
            { channelId },
          );
        }
      }
      const channels = groups.filter((g) => g.ids.length > 0).length;
      const mode = input.audit ?? 'always';
      if (mode === 'always' || (mode === 'if-deleted' && deleted > 0)) {
        await audit.record({
          guildId,
          action: 'message.purge',
          actorId: input.actorId,
          targetId: authorId,
          details: { deleted, sinceSeconds, ...(input.via ? { via: input.via } : {}) },
        });
      }
      return { deleted, channels };
    },
  };
}
