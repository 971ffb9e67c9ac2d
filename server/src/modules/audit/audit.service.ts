import type { AuditAction } from '@shared/api/audit';
import type { Clock } from '../../clock';
import { newId } from '../../db/ids';
import type { Logger } from '../../logger';
import type { AuditRepo } from './audit.repo';

/**
 * Audit trail. Call after the change succeeded:
 *   await ctx.audit.record({ guildId, action: 'voice.mute', actorId, targetId: userId, details: { channelId } });
 * `actorId: null` marks a system action (e.g. the voice reconciler). Failures are logged, never thrown: losing an audit
 * line must not fail the user's request after the change itself was made.
 */
export interface AuditService {
  record(entry: {
    guildId: string;
    action: AuditAction;
    actorId: string | null;
    targetId?: string | null;
    details?: Record<string, unknown> | null;
  }): Promise<void>;
}

export function createAuditService(deps: { repo: AuditRepo; clock: Clock; log: Logger }): AuditService {
  return {
    async record(entry) {
      try {
        await deps.repo.insert({
          id: newId(),
          guildId: entry.guildId,
          action: entry.action,
          actorId: entry.actorId,
          targetId: entry.targetId ?? null,
          details: entry.details ?? null,
          createdAt: deps.clock.now(),
        });
      } catch (err) {
        deps.log.error({ err, action: entry.action, guildId: entry.guildId }, 'audit write failed');
      }
    },
  };
}
