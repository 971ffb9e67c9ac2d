/**
 * Helpers for the voice integration tests (voice-*.test.ts): a server in-process on the port the test LiveKit sends
 * its webhooks to, a guild with voice channels, and rtc-node bots that publish a tone.
 */
import {
  LocalAudioTrack,
  LocalVideoTrack,
  Room,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
} from '@livekit/rtc-node';
import type { AudioSource, LocalTrackPublication } from '@livekit/rtc-node';
import { createHash } from 'node:crypto';
import { AccessToken, RoomServiceClient, type WebhookEvent } from 'livekit-server-sdk';
import { livekitWebhookBus } from '../../server/src/livekit/webhooks';
import { testEnv } from '../support/env';
import { startPacedAudio, toneFill, unqueuedSource } from './paced-audio';
import { sleep, waitFor } from '../support/wait';
import { registerUser, startTestServer, type ApiClient, type TestServer, type TestServerOptions, type TestUser } from './server-helpers';

export const env = testEnv();

export function roomService(): RoomServiceClient {
  return new RoomServiceClient(env.livekitUrl, env.livekitApiKey, env.livekitApiSecret);
}

/**
 * Starts the server on `port`. The webhook port is shared by everyone's test runs on this machine, so wait (up to
 * 90 s, inside the 120 s hook timeout) while another run holds it instead of failing at once.
 */
export async function startServerOn(
  port: number,
  overrides: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    let server: TestServer;
    try {
      server = await startTestServer({ PORT: String(port), VOICE_RECONCILE_INTERVAL_MS: '0', ...overrides }, options);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
      await sleep(1_000);
      continue;
    }
    if (port === env.apiPort) await webhooksFlowing(server);
    return server;
  }
}

/**
 * Waits until LiveKit's webhooks reach this server. LiveKit delivers them one after another and retries a failed one
 * with backoff, so webhooks a previous test file's server (or a sink) never answered, because it had just stopped,
 * hold back ours for many seconds. A probe room's room_started arriving means everything queued before it is done.
 */
async function webhooksFlowing(server: TestServer): Promise<void> {
  const probe = `probe_${Math.random().toString(36).slice(2)}`;
  let seen = false;
  const unsubscribe = livekitWebhookBus(server.server.gateway.publisher).subscribe(async (event) => {
    if (event.room?.name === probe) seen = true;
  });
  const rooms = roomService();
  try {
    await rooms.createRoom({ name: probe, emptyTimeout: 1 });
    await waitFor('LiveKit webhooks to reach the test server', async () => (seen ? true : undefined), 90_000);
  } finally {
    unsubscribe();
    await rooms.deleteRoom(probe).catch(() => undefined);
  }
}

export { sleep, waitFor };

/**
 * Posts `event` to the server's LiveKit webhook route signed as LiveKit signs it (a JWT with our API key whose `sha256`
 * claim is the body's hash), to replay or simulate what LiveKit or Egress would send. Resolves the HTTP status.
 */
export async function postLivekitWebhook(serverUrl: string, event: WebhookEvent): Promise<number> {
  const body = JSON.stringify(event.toJson());
  const token = new AccessToken(env.livekitApiKey, env.livekitApiSecret, { ttl: '5m' });
  token.sha256 = createHash('sha256').update(body).digest('base64');
  const res = await fetch(`${serverUrl}/api/v1/livekit/webhook`, {
    method: 'POST',
    headers: { authorization: await token.toJwt(), 'content-type': 'application/webhook+json' },
    body,
  });
  return res.status;
}

export interface VoiceGuild {
  owner: TestUser;
  member: TestUser;
  guildId: string;
  /** Voice channels. */
  a: string;
  b: string;
  c: string;
}

/** Owner creates a guild with three voice channels; a second user joins through an invite. */
export async function createVoiceGuild(api: ApiClient): Promise<VoiceGuild> {
  const owner = await registerUser(api, 'owner');
  const member = await registerUser(api, 'member');
  const guild = await api.post('/guilds', { name: 'Voice test' }, owner.token);
  if (guild.status !== 201) throw new Error(`create guild: ${guild.status} ${JSON.stringify(guild.body)}`);
  const guildId: string = guild.body.id;
  const channel = async (name: string) => {
    const res = await api.post(`/guilds/${guildId}/channels`, { type: 'voice', name }, owner.token);
    if (res.status !== 201) throw new Error(`create channel: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const [a, b, c] = [await channel('alpha'), await channel('bravo'), await channel('charlie')];
  const invite = await api.post(`/guilds/${guildId}/invites`, {}, owner.token);
  const accepted = await api.post(`/invites/${invite.body.code}`, undefined, member.token);
  if (accepted.status !== 200) throw new Error(`accept invite: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { owner, member, guildId, a, b, c };
}

const VIDEO_WIDTH = 160;
const VIDEO_HEIGHT = 120;
/** 15 fps: enough for LiveKit to see a live track, little CPU on a shared machine. */
const VIDEO_FRAME_MS = 66;

/** A headless participant (rtc-node) that can publish a 440 Hz tone as its microphone, and a grey camera or screen. */
export class Bot {
  readonly room = new Room();
  private source: AudioSource | null = null;
  private stopTone: (() => void) | null = null;
  private readonly videoSources: VideoSource[] = [];
  private readonly videoTimers: NodeJS.Timeout[] = [];
  disconnected = false;

  constructor() {
    this.room.on('disconnected', () => {
      this.disconnected = true;
    });
  }

  async connect(url: string, token: string): Promise<void> {
    await this.room.connect(url, token, { autoSubscribe: false, dynacast: false });
  }

  /** Publishes a 440 Hz tone as the microphone, paced in real time (see paced-audio.ts: unpaced, it left ~1 s late). */
  async publishTone(name = 'mic'): Promise<LocalTrackPublication> {
    const source = unqueuedSource();
    this.source = source;
    const track = LocalAudioTrack.createAudioTrack(name, source);
    const participant = this.room.localParticipant;
    if (!participant) throw new Error('not connected');
    const publication = await participant.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));
    this.stopTone?.();
    this.stopTone = startPacedAudio(source, toneFill(440, 0.5));
    return publication;
  }

  /**
   * Publishes a small grey picture as a camera or screen share, paced at 15 fps (a timer, not a loop: frames must not
   * flood the FFI queue). Rejects when LiveKit refuses the source: rtc-node then waits for the server's answer until
   * its publish timeout (about 10 s) and fails with "track publication timed out".
   */
  async publishVideo(kind: 'camera' | 'screen_share', name: string = kind): Promise<LocalTrackPublication> {
    const source = new VideoSource(VIDEO_WIDTH, VIDEO_HEIGHT);
    this.videoSources.push(source);
    const frame = new VideoFrame(new Uint8Array(VIDEO_WIDTH * VIDEO_HEIGHT * 4).fill(128), VIDEO_WIDTH, VIDEO_HEIGHT, VideoBufferType.RGBA);
    const timer = setInterval(() => {
      try {
        source.captureFrame(frame);
      } catch {
        clearInterval(timer);
      }
    }, VIDEO_FRAME_MS);
    this.videoTimers.push(timer);
    const participant = this.room.localParticipant;
    if (!participant) throw new Error('not connected');
    const track = LocalVideoTrack.createVideoTrack(name, source);
    const trackSource = kind === 'camera' ? TrackSource.SOURCE_CAMERA : TrackSource.SOURCE_SCREENSHARE;
    try {
      return await participant.publishTrack(track, new TrackPublishOptions({ source: trackSource }));
    } catch (err) {
      clearInterval(timer);
      throw err;
    }
  }

  async close(): Promise<void> {
    for (const timer of this.videoTimers) clearInterval(timer);
    this.stopTone?.();
    this.stopTone = null;
    await this.room.disconnect().catch(() => undefined);
    await this.source?.close().catch(() => undefined);
    for (const source of this.videoSources) await source.close().catch(() => undefined);
  }
}
