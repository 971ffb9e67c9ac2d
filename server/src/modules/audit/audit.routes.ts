import { routes } from '@shared/api/routes';
import { auditView } from '../../http/views';
import type { ModuleContext, ServerModule } from '../context';
import type { AuditRecord } from './audit.repo';

/**
 * Channel ids an entry names: its target for channel actions, `channelId` / `toChannelId` in details (voice,
 * messages, recordings) and a reorder's list.
 */
function channelIdsOf(e: AuditRecord): string[] {
  const ids: string[] = [];
  if (e.action.startsWith('channel.') && e.targetId) ids.push(e.targetId);
  for (const key of ['channelId', 'toChannelId'] as const) {
    const v = e.details?.[key];
    if (typeof v === 'string') ids.push(v);
  }
  return ids;
}

/**
 * What of an entry the viewer may see: a channel they cannot view does not exist for them, in the audit log too. An
 * entry naming one is left out (a reorder only loses the hidden ids). A channel that no longer exists cannot be
 * checked and stays listed, as Discord's audit log shows deleted channels.
 */
function redactHiddenChannels(e: AuditRecord, hidden: ReadonlySet<string>): AuditRecord | null {
  if (channelIdsOf(e).some((id) => hidden.has(id))) return null;
  const reorder = e.details?.reorder;
  if (Array.isArray(reorder) && reorder.some((id) => hidden.has(id as string))) {
    const visible = reorder.filter((id) => !hidden.has(id as string));
    return visible.length ? { ...e, details: { ...e.details, reorder: visible } } : null;
  }
  return e;
}

export function auditModule(ctx: ModuleContext): ServerModule {
  const api = ctx.createApiRouter();
  api.handle(routes.auditLog, async ({ userId, params, query }) => {
    const access = await ctx.permissions.requireGuildPermission(userId, params.guildId, 'MANAGE_GUILD');
    const [entries, channels] = await Promise.all([
      ctx.repos.audit.list(params.guildId, query),
      ctx.cachedReads.channels.listByGuild(params.guildId),
    ]);
    const visible = new Set(ctx.permissions.visibleChannels(access, channels).map((v) => v.channel.id));
    const hidden = new Set(channels.filter((c) => !visible.has(c.id)).map((c) => c.id));
    const shown = entries.flatMap((e) => redactHiddenChannels(e, hidden) ?? []);
    // The cursor follows what was read, not what was shown: a page can be short, and the next one carries on after it.
    return { items: shown.map(auditView), nextCursor: entries.length === query.limit ? (entries.at(-1)?.id ?? null) : null };
  });
  // Account-scoped entries are stored under the account's id as their scope (audit.ts 'token.create'), so reading by the
  // caller's own id lists theirs and nobody else's. No scope: bot and personal tokens cannot read it (403 MISSING_SCOPE).
  api.handle(routes.myAuditLog, async ({ userId, query }) => {
    const entries = await ctx.repos.audit.list(userId, query);
    return { items: entries.map(auditView), nextCursor: entries.length === query.limit ? (entries.at(-1)?.id ?? null) : null };
  });
  return { name: 'audit', api };
}
