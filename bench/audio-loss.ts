/**
 * Audio under packet loss (`npm run bench -- audio-loss`), one JSON object on stdout: what RED buys a listener when
 * packets are lost, and what it costs in delay. The web client publishes its microphone with RED (RFC 2198: each
 * packet also carries the previous Opus frames, so a lost packet's audio arrives in the next one; see
 * src-renderer/src/features/voice/publish-options.ts) and the media bench's bots without it (it added to their
 * loopback latency); loopback loses nothing, so the media bench cannot weigh that choice. This bench loses packets on
 * purpose.
 *
 * Method: two @livekit/rtc-node bots in a voice channel, with tokens from the server's voice join route. A publishes
 * speech, looped: SPEECH_TEXT (gaming-call chatter) synthesized once by espeak-ng and resampled to 48 kHz by sox into
 * out/bench/ (10 ms frames paced by a timer into an AudioSource with no queue, as in the media bench; Opus with DTX
 * on, 20 ms frames, in-band FEC as LiveKit negotiates it, capped at BITRATE as the web client caps a channel's), with
 * RED on or off; B subscribes and reads the audio.
 * Speech, not a tone, because Opus's in-band FEC (LBRR) exists only in its speech modes (SILK, hybrid): a steady tone
 * is coded in its music mode (CELT), which has none, and FEC would then look useless where it is not. After SETTLE_MS, LOSS_PCT % of the UDP packets on the SFU's RTC port are dropped at random for LOSS_S
 * seconds (nftables, bench/lib/packet-loss.ts; the kernel here has no netem), in one direction:
 * - uplink: packets sent to the SFU (A's audio on its way in; also B's RTCP);
 * - downlink: packets sent by the SFU (A's audio on its way to B; also the SFU's RTCP to A).
 * B's inbound-rtp stats (libwebrtc, read through rtc-node's FFI: bench/lib/rtc-stats.ts) are read as the loss starts and
 * as it ends. A session is one such A and B (fresh connections) for one kind (direction × RED); ROUNDS rounds run each
 * of the four kinds once, in reverse order every other round, so a drift over the run falls on every kind alike.
 *
 * Figures, for each kind (`<kind>` = uplink_red, uplink_no_red, downlink_red, downlink_no_red), medians over its
 * sessions:
 * - audio_loss_<kind>_concealed_pct: the share of the samples B played out that NetEq had to make up (a lost or late
 *   packet's audio, concealed by stretching what came before). What a listener hears as a glitch.
 * - audio_loss_<kind>_lost_pct: the share of A's packets that never reached B (sequence gaps: the loss as B saw it).
 * - audio_loss_<kind>_jitter_buffer_ms: B's mean jitter-buffer delay meanwhile: the delay the listener paid.
 * - audio_loss_<kind>_sessions_concealed_pct: each session's concealed share.
 * - audio_loss_cpu_busy_pct: how busy the cores were over the sessions.
 * When loss cannot be applied here (not root, no nft) or there is no speech synthesizer (espeak-ng, sox),
 * audio_loss_skipped says why (with the apt-get command) and nothing is measured.
 *
 * Runs against the TEST profile stack (started here when needed, shared by lease) with the real server in-process.
 * The loss applies to everything on this machine that uses that port, so run it alone.
 */
import {
  AudioStream,
  dispose,
  LocalAudioTrack,
  type RemoteTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createContext } from '../scripts/stack/profiles';
import { ROOT } from '../tests/e2e/web-stack';
import { SAMPLE_RATE, startPacedAudio, unqueuedSource } from '../tests/integration/paced-audio';
import { apiCaller, type ApiCall, type JoinReply, startBenchServer } from './lib/bench-stack';
import { busyMeter } from './lib/cpu-steal';
import { applyLoss, clearLoss, type LossDirection, lossUnavailable } from './lib/packet-loss';
import { inboundAudioCounters, jitterBufferBetween, receptionBetween } from './lib/rtc-stats';
import { median } from './lib/stats';

const LOSS_PCT = 10;
/** The Opus bitrate cap: the web client's for a voice channel with no bitrate of its own (publish-options.ts). */
const BITRATE = 64_000;
const LOSS_S = 15;
/** Before the loss starts: B's jitter buffer settles on a clean stream. */
const SETTLE_MS = 3_000;
const ROUNDS = 4;
const KINDS: readonly { direction: LossDirection; red: boolean }[] = [
  { direction: 'uplink', red: true },
  { direction: 'uplink', red: false },
  { direction: 'downlink', red: false },
  { direction: 'downlink', red: true },
];

const SPEECH_TEXT =
  'Hello everyone, can you hear me? I think the raid starts in five minutes, so grab your gear and meet me at the ' +
  'north gate. Watch out for the boss on the left side, he hits really hard. Okay, ready? Let us go. Heal me please, ' +
  'I am low. Nice work, that was close. Anyone want to queue again after this one?';
const SPEECH_WAV = resolve(ROOT, 'out/bench/audio-loss-speech.wav');

const log = (...args: unknown[]) => console.error('[bench:audio-loss]', ...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kindName = (kind: (typeof KINDS)[number]) => `${kind.direction}_${kind.red ? 'red' : 'no_red'}`;

/** Why speech cannot be made here (espeak-ng or sox missing), or null when it can. */
function speechUnavailable(): string | null {
  if (existsSync(SPEECH_WAV)) return null;
  for (const tool of ['espeak-ng', 'sox']) {
    if (spawnSync(tool, ['--version']).error) return `${tool} not found (apt-get install espeak-ng sox)`;
  }
  return null;
}

/** SPEECH_TEXT as 48 kHz mono 16-bit samples (synthesized into SPEECH_WAV on first use). */
function speechSamples(): Int16Array {
  if (!existsSync(SPEECH_WAV)) {
    mkdirSync(dirname(SPEECH_WAV), { recursive: true });
    const raw = `${SPEECH_WAV}.espeak.wav`;
    const run = (tool: string, args: string[]) => {
      const result = spawnSync(tool, args, { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.error?.message}`);
    };
    run('espeak-ng', ['-v', 'en-us', '-s', '160', '-w', raw, SPEECH_TEXT]);
    run('sox', [raw, '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', SPEECH_WAV]);
  }
  return wavSamples(readFileSync(SPEECH_WAV));
}

/** The samples of a 16-bit PCM WAV file's data chunk (its other chunks skipped). */
function wavSamples(wav: Buffer): Int16Array {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  for (let at = 12; at + 8 <= wav.length;) {
    const id = wav.toString('ascii', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'data') {
      const bytes = wav.subarray(at + 8, at + 8 + Math.min(size, wav.length - at - 8));
      return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~1)));
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('WAV file without a data chunk');
}

interface Session {
  lostPct: number;
  concealedPct: number;
  discardedPct: number;
  jitterBufferMs: number;
}

/** Resolves with the first audio track `room` subscribes to (within 15 s). */
function firstAudioTrack(room: Room): Promise<RemoteTrack> {
  return new Promise((resolveTrack, reject) => {
    const timer = setTimeout(() => reject(new Error('no audio track within 15 s')), 15_000);
    room.on(RoomEvent.TrackSubscribed, (track) => {
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      clearTimeout(timer);
      resolveTrack(track);
    });
  });
}

/** Reads (and drops) every frame of `track`, as a listener's playout would; returns the stop function. */
function listen(track: RemoteTrack): () => void {
  const reader = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 }).getReader();
  let stopped = false;
  void (async () => {
    try {
      while (!stopped && !(await reader.read()).done);
    } catch {
      // the track went away
    }
  })();
  return () => {
    stopped = true;
    reader.cancel().catch(() => undefined);
  };
}

async function session(
  call: ApiCall,
  channelId: string,
  tokens: [string, string],
  port: number,
  kind: (typeof KINDS)[number],
  speech: Int16Array,
): Promise<Session> {
  const a = new Room();
  const b = new Room();
  const stops: (() => void)[] = [];
  try {
    const joinA = await call<JoinReply>('POST', `/channels/${channelId}/voice/join`, {}, tokens[0]);
    await a.connect(joinA.url, joinA.token, { autoSubscribe: false, dynacast: false });
    const source = unqueuedSource();
    const options = new TrackPublishOptions({
      source: TrackSource.SOURCE_MICROPHONE,
      audioEncoding: { maxBitrate: BigInt(BITRATE) },
      dtx: true,
      red: kind.red,
    });
    await a.localParticipant!.publishTrack(LocalAudioTrack.createAudioTrack('mic', source), options);
    stops.push(
      startPacedAudio(source, (data, index) => {
        for (let i = 0; i < data.length; i++) data[i] = speech[(index * data.length + i) % speech.length]!;
      }),
    );
    const track = firstAudioTrack(b);
    const joinB = await call<JoinReply>('POST', `/channels/${channelId}/voice/join`, {}, tokens[1]);
    await b.connect(joinB.url, joinB.token, { autoSubscribe: true, dynacast: false });
    const heard = await track;
    stops.push(listen(heard));
    await sleep(SETTLE_MS);
    const before = await inboundAudioCounters(heard);
    const stopLoss = applyLoss(port, kind.direction, LOSS_PCT);
    stops.push(stopLoss);
    await sleep(LOSS_S * 1_000);
    stopLoss();
    const after = await inboundAudioCounters(heard);
    const reception = receptionBetween(before, after);
    const jitterBuffer = jitterBufferBetween(before, after);
    if (!reception || !jitterBuffer) throw new Error("B's inbound-rtp stats could not be read (rtc-node's FFI changed?)");
    return { ...reception, jitterBufferMs: jitterBuffer.delayMs };
  } finally {
    for (const stop of stops.reverse()) stop();
    await b.disconnect().catch(() => undefined);
    await a.disconnect().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const unavailable = lossUnavailable() ?? speechUnavailable();
  if (unavailable) {
    log(`skipped: ${unavailable}`);
    console.log(JSON.stringify({ audio_loss_skipped: unavailable }));
    return;
  }
  // The rules must not outlive the bench: Ctrl-C (bench/run.ts passes it on) and kill remove them too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      clearLoss();
      process.exit(130);
    });
  }
  const speech = speechSamples();
  const bench = await startBenchServer('audio-loss');
  try {
    const call = apiCaller(bench.base);
    const port = createContext('test').ports.livekitRtcUdp.port;
    const register = async (username: string) =>
      call<{ user: { id: string }; accessToken: string }>('POST', '/auth/register', { username, password: 'bench password 1' });
    const owner = await register('loss_owner');
    const guild = await call<{ id: string }>('POST', '/guilds', { name: 'Loss Bench' }, owner.accessToken);
    const channel = await call<{ id: string }>('POST', `/guilds/${guild.id}/channels`, { type: 'voice', name: 'loss' }, owner.accessToken);
    const invite = await call<{ code: string }>('POST', `/guilds/${guild.id}/invites`, {}, owner.accessToken);
    const tokens: string[] = [];
    for (const name of ['loss_a', 'loss_b']) {
      const member = await register(name);
      await call('POST', `/invites/${invite.code}`, {}, member.accessToken);
      tokens.push(member.accessToken);
    }

    const results = new Map<string, Session[]>(KINDS.map((kind) => [kindName(kind), []]));
    const busy = busyMeter();
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
        const result = await session(call, channel.id, [tokens[0]!, tokens[1]!], port, kind, speech);
        log(
          `round ${round + 1}, ${kindName(kind)}: lost ${result.lostPct} %, concealed ${result.concealedPct} %,`,
          `discarded ${result.discardedPct} % of those received (with RED: copies of packets that had come), jitter buffer ${result.jitterBufferMs} ms`,
        );
        results.get(kindName(kind))!.push(result);
        await sleep(500);
      }
    }
    const figures: Record<string, number | string> = { audio_loss_applied_pct: LOSS_PCT, audio_loss_seconds_per_session: LOSS_S };
    for (const [name, sessions] of results) {
      const mid = (pick: (s: Session) => number) => median(sessions.map(pick)) ?? Number.NaN;
      Object.assign(figures, {
        [`audio_loss_${name}_concealed_pct`]: mid((s) => s.concealedPct),
        [`audio_loss_${name}_lost_pct`]: mid((s) => s.lostPct),
        [`audio_loss_${name}_jitter_buffer_ms`]: mid((s) => s.jitterBufferMs),
        [`audio_loss_${name}_sessions_concealed_pct`]: sessions.map((s) => s.concealedPct).join(' / '),
      });
    }
    figures.audio_loss_cpu_busy_pct = busy.stop() ?? 'n/a';
    figures.opus = `speech; ${BITRATE / 1000} kbps cap, DTX on, 20 ms frames, in-band FEC as negotiated; RED on or off as each figure names`;
    console.log(JSON.stringify(figures));
  } finally {
    clearLoss();
    await dispose().catch(() => undefined);
    await bench.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    clearLoss();
    console.error(error);
    process.exit(1);
  },
);
