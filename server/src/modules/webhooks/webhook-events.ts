import type { WebhookEventType } from '@shared/api/webhooks';

/**
 * Which webhook events a gateway guild event makes. Every guild event the server publishes goes through
 * `publishToGuild`, so webhooks tap that one place instead of each service:
 * - MESSAGE_CREATE → message.created (the message as clients get it);
 * - MEMBER_ADD → member.joined, MEMBER_REMOVE → member.left;
 * - VOICE_STATE_UPDATE → voice.joined when a user enters a channel, voice.left when they leave one (a move is a
 *   leave of the old channel and a join of the new one); mute / camera changes make none;
 * - RECORDING_UPDATE with status `completed` → recording.finished.
 * call.started / call.ended come from LiveKit's room_started / room_finished instead (webhooks.module.ts). DM calls
 * are not guild events (they have no guild), so no webhook sees them.
 */
export function webhookEventsOf(event: string, payload: unknown): { type: WebhookEventType; data: unknown }[] {
  const p = (payload ?? {}) as Record<string, unknown>;
  switch (event) {
    case 'MESSAGE_CREATE':
      return [{ type: 'message.created', data: payload }];
    case 'MEMBER_ADD':
      return [{ type: 'member.joined', data: payload }];
    case 'MEMBER_REMOVE':
      return [{ type: 'member.left', data: payload }];
    case 'VOICE_STATE_UPDATE': {
      const channelId = typeof p.channelId === 'string' ? p.channelId : null;
      const previous = typeof p.previousChannelId === 'string' ? p.previousChannelId : null;
      if (channelId === previous) return [];
      const out: { type: WebhookEventType; data: unknown }[] = [];
      if (previous) out.push({ type: 'voice.left', data: { guildId: p.guildId, userId: p.userId, channelId: previous } });
      if (channelId) out.push({ type: 'voice.joined', data: { guildId: p.guildId, userId: p.userId, channelId } });
      return out;
    }
    case 'RECORDING_UPDATE':
      return p.status === 'completed' ? [{ type: 'recording.finished', data: payload }] : [];
    default:
      return [];
  }
}
