/**
 * End to end through the real LiveKit Egress of the test stack: an rtc-node bot publishes a 440 Hz tone in a voice
 * channel, a member records ~5 s through the API, and the OGG/Opus file that comes back must last as long as the
 * recorded span (±1 s) and carry its energy at 440 Hz (decoded with Debian's ffmpeg, measured with Goertzel filters).
 *
 * Egress is built by scripts/egress/build.sh during the stack install. When that build is impossible here (the
 * pinned module is not served by the Go proxy this machine reaches; recorded as "unavailable" in
 * .stack/egress-build.json) the recording test is reported as skipped with that reason. In every other case a missing
 * binary FAILS the test: a broken build must not look like a pass.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioFrame, AudioSource, LocalAudioTrack, Room, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingFromRoomMetadata, type Recording } from '../../src-shared/api/recordings';
import { voiceRoomName } from '../../src-shared/api/voice';
import { egressBinary, readEgressBuildStatus } from '../../scripts/stack/services/egress';
import { testEnv } from '../support/env';
import { registerUser, startTestServer, type TestServer } from './server-helpers';

const SAMPLE_RATE = 48_000;
const FRAME_SAMPLES = SAMPLE_RATE / 100;
const TONE_HZ = 440;
const RECORD_MS = 5_000;

const env = testEnv();
const workDir = mkdtempSync(join(tmpdir(), 'parley-rec-egress-'));

/** Goertzel power of one frequency over mono float samples: a single DFT bin, cheap and exact enough here. */
function goertzelPower(samples: Float32Array, sampleRate: number, hz: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / samples.length;
}

/** Decodes any audio file to mono 48 kHz float PCM with ffmpeg. */
function decode(file: string): Float32Array {
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 'f32le', 'pipe:1'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return new Float32Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.byteLength / 4));
}

function durationSeconds(file: string): number {
  return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).toString().trim());
}

const NEIGHBOURS = [220, 330, 550, 660, 880, 1000];

/** Power at 440 Hz relative to the strongest neighbouring frequency, skipping the first and last half second. */
function toneDominance(samples: Float32Array): { at440: number; strongestNeighbour: number; ratio: number } {
  const trimmed = samples.subarray(SAMPLE_RATE / 2, Math.max(SAMPLE_RATE / 2, samples.length - SAMPLE_RATE / 2));
  const at440 = goertzelPower(trimmed, SAMPLE_RATE, TONE_HZ);
  const strongestNeighbour = Math.max(...NEIGHBOURS.map((hz) => goertzelPower(trimmed, SAMPLE_RATE, hz)));
  return { at440, strongestNeighbour, ratio: at440 / Math.max(strongestNeighbour, Number.EPSILON) };
}

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('recording analysis (ffmpeg + Goertzel), checked on files we synthesise', () => {
  it('when a file holds a 440 Hz tone, then 440 Hz dominates; when it holds 1 kHz, then it does not', () => {
    const tone = join(workDir, 'tone.ogg');
    const other = join(workDir, 'other.ogg');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${TONE_HZ}:duration=3`, '-c:a', 'libopus', tone]);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=1000:duration=3', '-c:a', 'libopus', other]);
    expect(toneDominance(decode(tone)).ratio).toBeGreaterThan(10);
    expect(toneDominance(decode(other)).ratio).toBeLessThan(1);
    expect(durationSeconds(tone)).toBeCloseTo(3, 1);
  });
});

const build = readEgressBuildStatus();
const unavailable = !existsSync(egressBinary) && build?.status === 'unavailable';
if (unavailable) {
  console.warn(`[recording-egress] SKIPPED: LiveKit Egress ${build.version} cannot be built here: ${build.message.split('\n')[0]}`);
}

describe.skipIf(unavailable)('recording a voice channel through LiveKit Egress', () => {
  let t: TestServer | undefined;
  const bots: Room[] = [];
  let running = true;

  afterAll(async () => {
    running = false;
    for (const bot of bots) await bot.disconnect().catch(() => undefined);
    // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
    await t?.stop();
  });

  it('when a bot plays 440 Hz for ~5 s while recording, then the file lasts the recorded span and sounds at 440 Hz', async () => {
    expect(
      existsSync(egressBinary),
      `LiveKit Egress is not built (${build ? `${build.status}: ${build.message}` : 'no build attempted'}); run bash scripts/egress/build.sh`,
    ).toBe(true);

    // LiveKit of the test stack sends its webhooks (egress_* included) to this port.
    t = await startTestServer({ PORT: String(env.apiPort), RECORDINGS_DIR: join(workDir, 'recordings') });
    const owner = await registerUser(t.api, 'egressowner');
    const guildId = (await t.api.post('/guilds', { name: 'Egress guild' }, owner.token)).body.id as string;
    const channelId = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'Tone' }, owner.token)).body.id as string;

    const token = new AccessToken(env.livekitApiKey, env.livekitApiSecret, {
      identity: `tone-${randomBytes(3).toString('hex')}`,
      ttl: '5m',
    });
    token.addGrant({ roomJoin: true, room: voiceRoomName(channelId), canPublish: true, canSubscribe: false });
    const bot = new Room();
    bots.push(bot);
    await bot.connect(env.livekitPublicUrl, await token.toJwt(), { autoSubscribe: false, dynacast: false });
    const source = new AudioSource(SAMPLE_RATE, 1);
    await bot.localParticipant?.publishTrack(
      LocalAudioTrack.createAudioTrack('tone', source),
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    void (async () => {
      let n = 0;
      while (running) {
        const data = new Int16Array(FRAME_SAMPLES);
        for (let i = 0; i < FRAME_SAMPLES; i += 1, n += 1)
          data[i] = Math.round(0.5 * 32_767 * Math.sin((2 * Math.PI * TONE_HZ * n) / SAMPLE_RATE));
        await source.captureFrame(new AudioFrame(data, SAMPLE_RATE, 1, FRAME_SAMPLES)).catch(() => {
          running = false;
        });
      }
    })();

    const started = await t.api.post<Recording>(`/channels/${channelId}/recordings`, undefined, owner.token);
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const recordingId = started.body.id;

    // Consent: the room itself says it is being recorded, by whom.
    const rooms = new RoomServiceClient(env.livekitUrl, env.livekitApiKey, env.livekitApiSecret);
    const roomState = async () => recordingFromRoomMetadata((await rooms.listRooms([voiceRoomName(channelId)]))[0]?.metadata);
    expect(await roomState()).toMatchObject({ active: true, recordingId, startedBy: { id: owner.id } });

    const waitFor = async (status: Recording['status'], timeoutMs: number): Promise<Recording> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = (await t!.api.get<Recording>(`/recordings/${recordingId}`, owner.token)).body;
        if (current.status === status) return current;
        if (current.status === 'failed') throw new Error(`recording failed: ${current.error}`);
        if (Date.now() > deadline) throw new Error(`recording still ${current.status} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await waitFor('active', 30_000);
    const activeAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, RECORD_MS));
    const stopped = await t.api.post<Recording>(`/channels/${channelId}/recordings/${recordingId}/stop`, undefined, owner.token);
    const spanSeconds = (Date.now() - activeAt) / 1000;
    expect(stopped.status).toBe(200);
    expect(await roomState()).toBeNull();

    const completed = await waitFor('completed', 60_000);
    const file = await fetch(`${t.url}/api/v1/recordings/${recordingId}/file`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(file.status).toBe(200);
    const path = join(workDir, 'recorded.ogg');
    writeFileSync(path, Buffer.from(await file.arrayBuffer()));

    const seconds = durationSeconds(path);
    expect(Math.abs(seconds - spanSeconds), `file ${seconds} s vs recorded span ${spanSeconds} s`).toBeLessThanOrEqual(1);
    expect(Math.abs((completed.durationMs ?? 0) / 1000 - spanSeconds)).toBeLessThanOrEqual(1);
    const dominance = toneDominance(decode(path));
    expect(dominance.ratio, JSON.stringify(dominance)).toBeGreaterThan(10);
  }, 120_000);
});
