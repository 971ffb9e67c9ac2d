import { WebhookReceiver } from 'livekit-server-sdk';
import type { WebhookEvent } from 'livekit-server-sdk';
import { channelIdFromRoom } from '@shared/api/voice';
import type { LiveParticipant, LiveTrackSource } from './room-service';
import { livePermission, trackSourceName } from './room-service';

/**
 * LiveKit webhooks: verification and translation into the few facts the voice state needs.
 *
 * LiveKit signs every webhook with a JWT (HS256 with our API secret, a few minutes of validity) whose `sha256` claim is
 * the hash of the exact body bytes — so the body must reach us raw, before any JSON parser re-serialises it.
 */

export class WebhookRejectedError extends Error {
  override readonly name = 'WebhookRejectedError';
}

export interface WebhookVerifier {
  /** Resolves to the event only if the signature, expiry and body hash check out; rejects with WebhookRejectedError. */
  verify(rawBody: string, authorization: string | undefined): Promise<WebhookEvent>;
}

export function createWebhookVerifier(options: { apiKey: string; apiSecret: string; clockToleranceSeconds?: number }): WebhookVerifier {
  const receiver = new WebhookReceiver(options.apiKey, options.apiSecret);
  const tolerance = options.clockToleranceSeconds ?? 10;
  return {
    async verify(rawBody, authorization) {
      if (!authorization) throw new WebhookRejectedError('missing Authorization header');
      // LiveKit sends the bare JWT; accept a "Bearer " prefix too, since proxies and some tools add it.
      const token = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : authorization;
      try {
        // skipAuth is never true here: a webhook that can't prove it came from our LiveKit is never applied.
        return await receiver.receive(rawBody, token, false, tolerance);
      } catch (err) {
        throw new WebhookRejectedError(err instanceof Error ? err.message : 'invalid webhook');
      }
    },
  };
}

export interface WebhookParticipant {
  sid: string;
  identity: string;
  /** When this connection joined, in ms; orders two sessions of the same user (the later one wins). */
  joinedAtMs: number;
  /** What LiveKit lets it publish and subscribe to, as the event says (null when the event carries none). */
  granted: LiveParticipant['permission'];
}

/** The webhook facts the voice state cares about; everything else is `ignored`. */
export type VoiceWebhookFact =
  | {
      kind: 'participant_joined' | 'participant_left' | 'track_published' | 'track_unpublished';
      id: string;
      createdAtMs: number;
      room: string;
      channelId: string;
      participant: WebhookParticipant;
      /** The track of a track_published / track_unpublished event (null for participant events or when absent). */
      track: { sid: string; source: LiveTrackSource } | null;
    }
  | { kind: 'ignored'; id: string; event: string; reason: string };

const PARTICIPANT_EVENTS = new Set([
  'participant_joined',
  'participant_left',
  'participant_connection_aborted',
  'track_published',
  'track_unpublished',
]);

export function toVoiceFact(event: WebhookEvent): VoiceWebhookFact {
  const ignored = (reason: string): VoiceWebhookFact => ({ kind: 'ignored', id: event.id, event: event.event, reason });
  if (!PARTICIPANT_EVENTS.has(event.event)) return ignored('not a participant event');
  const roomName = event.room?.name ?? '';
  const channelId = channelIdFromRoom(roomName);
  if (!channelId) return ignored('not a voice channel room');
  const p = event.participant;
  if (!p || !p.sid || !p.identity) return ignored('no participant');
  // created_at is in seconds; joinedAtMs is newer protocol, joinedAt (seconds) is the fallback.
  const joinedAtMs = p.joinedAtMs > 0n ? Number(p.joinedAtMs) : Number(p.joinedAt) * 1000;
  const kind =
    event.event === 'participant_connection_aborted'
      ? 'participant_left'
      : (event.event as 'participant_joined' | 'participant_left' | 'track_published' | 'track_unpublished');
  return {
    kind,
    id: event.id,
    createdAtMs: Number(event.createdAt) * 1000,
    room: roomName,
    channelId,
    participant: { sid: p.sid, identity: p.identity, joinedAtMs, granted: livePermission(p.permission) },
    track: event.track ? { sid: event.track.sid, source: trackSourceName(event.track.source) } : null,
  };
}

export type WebhookSubscriber = (event: WebhookEvent) => Promise<void>;

export interface WebhookBus {
  /** Receive every verified webhook (after the voice state has been updated). Returns an unsubscribe function. */
  subscribe(subscriber: WebhookSubscriber): () => void;
  dispatch(event: WebhookEvent): Promise<void>;
}

function createWebhookBus(): WebhookBus {
  const subscribers = new Set<WebhookSubscriber>();
  return {
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    async dispatch(event) {
      // Sequential and awaited: a subscriber that fails makes the request fail, so LiveKit retries the webhook.
      for (const subscriber of subscribers) await subscriber(event);
    },
  };
}

const buses = new WeakMap<object, WebhookBus>();

/**
 * LiveKit posts all its webhooks to one URL, served by the voice module. Other modules (recordings: egress_*) get the
 * verified events from the bus of their server instance, keyed by any per-instance object of the ModuleContext —
 * by convention `ctx.gateway`:
 *   livekitWebhookBus(ctx.gateway).subscribe(async (event) => { const fact = egressFactFromWebhook(event); … });
 * Keyed rather than global so that several server instances in one process (tests) each get their own.
 */
export function livekitWebhookBus(instanceKey: object): WebhookBus {
  let bus = buses.get(instanceKey);
  if (!bus) {
    bus = createWebhookBus();
    buses.set(instanceKey, bus);
  }
  return bus;
}
