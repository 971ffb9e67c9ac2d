import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type RemoteParticipant,
  type RemoteTrack,
} from '@livekit/rtc-node';
import { randomBytes } from 'node:crypto';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env';

const SAMPLE_RATE = 48_000;
const FRAME_SAMPLES = SAMPLE_RATE / 100; // 10 ms frames
const TONE_HZ = 440;
// Int16 RMS: a half-scale sine is ≈ 11 600; Opus-coded silence stays within a few units of zero.
const RMS_THRESHOLD = 1_000;

const env = testEnv();
const rooms: Room[] = [];
const sources: AudioSource[] = [];

async function tokenFor(room: string, identity: string, grant: { canPublish: boolean; canSubscribe: boolean }): Promise<string> {
  const token = new AccessToken(env.livekitApiKey, env.livekitApiSecret, { identity, ttl: '5m' });
  token.addGrant({ roomJoin: true, room, ...grant });
  return token.toJwt();
}

async function join(room: string, identity: string, grant: { canPublish: boolean; canSubscribe: boolean }): Promise<Room> {
  const client = new Room();
  rooms.push(client);
  await client.connect(env.livekitPublicUrl, await tokenFor(room, identity, grant), { autoSubscribe: true, dynacast: false });
  return client;
}

/** Publishes a mono 48 kHz track fed 10 ms frames of `sample(i)` until stopped; captureFrame paces the loop. */
async function publishSignal(room: Room, name: string, sample: (i: number) => number): Promise<() => void> {
  const source = new AudioSource(SAMPLE_RATE, 1);
  sources.push(source);
  const track = LocalAudioTrack.createAudioTrack(name, source);
  await room.localParticipant?.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));
  let running = true;
  void (async () => {
    let n = 0;
    while (running) {
      const data = new Int16Array(FRAME_SAMPLES);
      for (let i = 0; i < FRAME_SAMPLES; i += 1, n += 1) data[i] = sample(n);
      await source.captureFrame(new AudioFrame(data, SAMPLE_RATE, 1, FRAME_SAMPLES)).catch(() => {
        running = false;
      });
    }
  })();
  return () => {
    running = false;
  };
}

interface Received {
  frames: number;
  sumSquares: number;
  samples: number;
  zeroCrossings: number;
  last: number;
}

afterAll(async () => {
  for (const room of rooms) await room.disconnect().catch(() => undefined);
  for (const source of sources) await source.close().catch(() => undefined);
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
});

describe('LiveKit SFU of the test stack', () => {
  it('when one bot publishes a 440 Hz tone and another a silent track, then a subscriber hears the tone only from the tone bot', async () => {
    const roomName = `foundation-${randomBytes(4).toString('hex')}`;
    const listener = await join(roomName, 'listener', { canPublish: false, canSubscribe: true });

    const received = new Map<string, Received>();
    const warmupFrames = 30; // the jitter buffer starts with a few frames of silence
    listener.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _publication, participant: RemoteParticipant) => {
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      const stats: Received = { frames: 0, sumSquares: 0, samples: 0, zeroCrossings: 0, last: 0 };
      received.set(participant.identity, stats);
      void (async () => {
        const reader = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 }).getReader();
        for (;;) {
          const { done, value: frame } = await reader.read();
          if (done) break;
          stats.frames += 1;
          if (stats.frames <= warmupFrames) continue;
          for (const value of frame.data) {
            stats.sumSquares += value * value;
            stats.samples += 1;
            if (value >= 0 !== stats.last >= 0) stats.zeroCrossings += 1;
            stats.last = value;
          }
        }
      })();
    });

    const toneBot = await join(roomName, 'tone-bot', { canPublish: true, canSubscribe: false });
    const silentBot = await join(roomName, 'silent-bot', { canPublish: true, canSubscribe: false });
    const stopTone = await publishSignal(toneBot, 'tone', (n) =>
      Math.round(0.5 * 32_767 * Math.sin((2 * Math.PI * TONE_HZ * n) / SAMPLE_RATE)),
    );
    const stopSilence = await publishSignal(silentBot, 'silence', () => 0);

    // One second of measured audio from each publisher, or give up after 30 s.
    const enough = (identity: string): boolean => (received.get(identity)?.frames ?? 0) >= warmupFrames + 100;
    const deadline = Date.now() + 30_000;
    while (!(enough('tone-bot') && enough('silent-bot')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stopTone();
    stopSilence();

    const rms = (identity: string): number => {
      const stats = received.get(identity);
      return stats && stats.samples > 0 ? Math.sqrt(stats.sumSquares / stats.samples) : Number.NaN;
    };
    const tone = received.get('tone-bot');
    expect([...received.keys()].sort()).toEqual(['silent-bot', 'tone-bot']);
    expect(tone?.samples ?? 0).toBeGreaterThanOrEqual(100 * FRAME_SAMPLES);
    expect(rms('tone-bot')).toBeGreaterThan(RMS_THRESHOLD);
    expect(rms('silent-bot')).toBeLessThan(RMS_THRESHOLD);
    // A sine crosses zero twice per period: the SFU delivered our 440 Hz, not noise.
    const hz = ((tone?.zeroCrossings ?? 0) / 2 / (tone?.samples ?? 1)) * SAMPLE_RATE;
    expect(hz).toBeGreaterThan(TONE_HZ * 0.9);
    expect(hz).toBeLessThan(TONE_HZ * 1.1);
  });
});
