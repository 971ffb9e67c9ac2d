/**
 * Media benchmark (`npm run bench -- media`): audio through the local LiveKit SFU, one JSON object on stdout.
 *
 * Bots are @livekit/rtc-node participants in this process, with tokens from the server's own voice join route
 * (`POST /channels/:id/voice/join`, as the app and tests/integration/voice-support.ts get them). Every bot sends 10 ms
 * frames paced by a timer into an AudioSource with no queue (tests/integration/paced-audio.ts): rtc-node queues
 * 1,000 ms by default, and unpaced pushing would add about a second to every figure.
 *
 * Opus settings, stated: bots publish with DTX on and RED off (`TrackPublishOptions { dtx: true, red: false }`), with
 * Opus in-band FEC as negotiated (LiveKit offers `useinbandfec=1`; on loopback nothing is lost, so it adds little);
 * Opus frames are WebRTC's default 20 ms (neither side sets ptime). RED is off because it adds to the one-way figure
 * (where, the bench does not see: it times clicks end to end): on 2026-12-07, 98 sessions of the
 * one-way measurement in alternating blocks gave a median session latency of 43, 45.5 and 41.5 ms with RED (48
 * sessions, DTX on and off) against 37.5, 36.5 and 36.5 ms without (50 sessions): 22 of RED's 48 sessions settled at
 * 45 ms or more, 9 of the 50 without. The web client keeps RED on its microphone
 * (src-renderer/src/features/voice/publish-options.ts: DTX, RED, the channel's bitrate cap), for the reason RED exists
 * (a lost packet's copy rides in the next one), which this loopback bench cannot weigh (bench/audio-loss.ts drops
 * packets on purpose and weighs it); browser_one_way_* below measures its audio as it is sent.
 *
 * Figures (all in ms, wall clock of this machine; loopback, so no network delay):
 * - audio_one_way_p50_ms / _p95_ms: bot A publishes digital silence with a click (a 5 ms 1 kHz burst at 60 % of full
 *   scale, starting a frame) every CLICK_PERIOD_MS, in PAIR_SESSIONS sessions (fresh rooms for A and B, as each
 *   session's receiver settles at its own depth; audio_one_way_session_p50_ms lists each session's median). A runs in a
 *   child process of its own (ClickerProcess), so its 10 ms pacer shares no event loop with B's frame reading and the
 *   in-process server: a late hand-over reaches B's jitter buffer as packet jitter, which it answers by playing out
 *   later for the rest of the session. Bot B reads its received AudioStream (48 kHz mono, 10 ms frames)
 *   and detects each click as the first frame whose peak passes 20 % of full scale. One-way = the wall time B reads
 *   that frame − the wall time A handed the click's frame to its AudioSource (same process and clock). It includes
 *   Opus encoding, packetization and pacing, the SFU, B's jitter buffer and decoding, and rtc-node's frame delivery; it
 *   subtracts nothing. PAIR_CLICKS clicks per session, the first WARMUP_CLICKS of which
 *   (jitter buffer settling) are not counted.
 * - bot_join_first_audio_p50_ms / _p95_ms: a publisher already sends a continuous tone; a bot calls room.connect()
 *   (token fetched beforehand) and subscribes automatically; from connect() start to the first received frame with a
 *   non-silent sample (peak > 3 % of full scale; the jitter buffer's first frames are zeros). JOINS joins, after one
 *   warm-up join that is not counted (a process's first Room also starts rtc-node's native WebRTC stack, which a client
 *   does once when it starts, not on each join). The joiner runs in a child process of its own (joinsInChild), as a
 *   client runs apart from the server: the in-process server handles each join's LiveKit webhooks at the moment the
 *   joiner connects. joiner_process_crashes: how often a joiner process died in rtc-node's native code (exit 139;
 *   about one run in 15 here); its join in progress is lost and a new process takes the remaining joins.
 * - the same two with `_20pub`: 20 bots in one room, each publishing: the clicker A (its clicks on a quiet tone), the
 *   listening bot B (a quiet tone) and 18 bots sending a quiet tone each, in two child processes at nice 10 (the
 *   crowd). In a real room each of them would encode on a machine of its own; here they take the cores when the SFU
 *   and the measured bots leave them idle, and each crowd process paces all its bots on one 10 ms timer. B subscribes
 *   to everyone, so the SFU forwards it all 19 tracks; it reads A's. The 18 subscribe to nothing (this 2-core machine
 *   is shared, and a full mesh is 380 streams), so the SFU carries 20 publishers and 19 + 20 forwarded streams, not
 *   20 × 19. The one-way figure pools CROWD_SESSIONS sessions of CROWD_CLICKS clicks (a fresh A and B each, the 18
 *   staying; the first WARMUP_CLICKS of each not counted). For the joins, A and B publish only, from a third crowd
 *   process; the joining bot subscribes to all 20 and counts the first non-silent frame of any of them.
 *   crowd_pacer_jitter_p99_ms_20pub / crowd_frames_skipped_pct_20pub: how the crowd's own audio kept time over all of
 *   this (how far a frame's hand-over strayed from 10 ms after the previous one; the share of frames its pacers
 *   skipped for being over 50 ms late), so a figure taken while the crowd's audio stalled can be told apart.
 * - browser_one_way_p50_ms / _p95_ms: through OUR web client. Chromium (fake devices) plays a WAV as its microphone
 *   (`--use-file-for-fake-audio-capture`, looped): a 60 ms 1 kHz burst at 50 % of full scale every
 *   BROWSER_PERIOD_MS, digital silence between. The page signs in, joins a voice channel by clicking it, and so
 *   publishes through the app's whole chain: getUserMedia with the app's constraints (noise suppression, echo
 *   cancellation, auto gain: on by default), the voice gate (GateProcessor: an AudioWorklet opened by the VAD at
 *   its default −50 dBFS threshold, deciding on every 2.7 ms render quantum, closed again between bursts, so every
 *   burst opens it as a first syllable does), livekit-client's Opus (DTX, RED). A bot in the channel detects the bursts as above. The send time
 *   is taken in the page: an init script taps a clone of every microphone track getUserMedia returns with a
 *   MediaStreamTrackProcessor and notes the wall clock (performance.timeOrigin + now) when the AudioData holding a
 *   burst's onset arrives. One-way = bot detection − that time. So the figure starts where the audio enters the page
 *   (after the fake device and Chromium's audio processing) and includes the gate's opening, WebAudio, encoding,
 *   the SFU and the bot's decoding; it does not include a real microphone's capture latency. The figure pools
 *   BROWSER_SESSIONS sessions of the page (a fresh sign-in and join each) of BROWSER_CLICKS counted bursts, after
 *   BROWSER_WARMUP uncounted ones: as with the bots, each session's receiver settles at its own depth, here up to
 *   35 ms apart (four one-session runs on 2026-12-07 gave 63, 97.5, 84.5 and 71.9), so one session said little about
 *   the next; browser_one_way_session_p50_ms lists each session's median.
 *   browser_one_way_gate_open_p50_ms / _p95_ms (and _session_p50_ms): as many sessions of the same page with the VAD
 *   threshold at −100 dBFS, so the gate stays open, alternating with the gated ones so that a drift over the run falls
 *   on both. The difference would be the gate's opening delay (one quantum + the 5 ms attack), but the sessions'
 *   spread can outweigh it: compare the two only over several runs.
 *
 * - *_cpu_busy_pct: how busy this machine's cores were (all cores, 100 = every core busy) while that figure was taken.
 *   The bots, the SFU, Chromium and the receiver all share the machine, and the figures' tails follow it.
 *
 * Targets (loopback): audio_one_way_p50_ms < 40, bot_join_first_audio_p95_ms < 150 (also with 20 publishers),
 * browser_one_way_p50_ms < 80. Runs against the TEST profile stack (started here when needed, shared by lease) with
 * the real server in-process. `--bots-only` skips the browser figure.
 *
 * Diagnostics for the 20-publisher joins: `--crowd-joins-only` measures only them (the same JOINS joins as in a full
 * run, about a minute). `--join-breakdown` takes their time apart, in the same room of 20 publishers, with
 * BREAKDOWN_ROUNDS rounds of three blocks of BREAKDOWN_JOINS joins each, one block of each kind, in reverse order in
 * every other round so that a drift over the run falls on every kind alike (about four minutes). It prints
 * join_<kind>_p50_ms / _p95_ms / _cpu_busy_pct for each kind:
 * - first_of_any_crowd_sending: as the figure (the first audio of any of the 20), the crowd sending as usual;
 * - one_track_crowd_sending: the first audio of A's track alone, the crowd sending as usual;
 * - one_track_crowd_silent: the same with the crowd silent (its 18 bots stay connected with their tracks
 *   published, but stop pacing and encoding audio, so their processes idle, and the SFU receives and forwards their
 *   18 streams no more).
 * The first two differ by what waiting for one given track costs; the last two by what the crowd's media costs (its
 * encoding, and the SFU and the joiner carrying its streams). The joiner waits for one track in both of those because
 * with the crowd silent only A and B send: "the first of 20" against "the first of 2" would differ for that reason
 * alone. Each comes with how busy the cores were (their mean over the blocks, each block's including the start of
 * its joiner process).
 */
import {
  AudioStream,
  dispose,
  LocalAudioTrack,
  type RemoteTrack,
  type RemoteParticipant,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { ensureWebBuild, launchChromium, ROOT } from '../tests/e2e/web-stack';
import { apiCaller, type ApiCall, type JoinReply, startBenchServer } from './lib/bench-stack';
import { busyMeter } from './lib/cpu-steal';
import { inboundAudioCounters, jitterBufferBetween } from './lib/rtc-stats';
import {
  type PacedTrack,
  SAMPLE_RATE,
  startPacedAudio,
  startPacedAudioGroup,
  toneFill,
  unqueuedSource,
} from '../tests/integration/paced-audio';

const WARMUP_CLICKS = 5;
/** With 20 publishers: this many sessions (a fresh A and B each; the other 18 stay) of CROWD_CLICKS clicks each. */
const CROWD_SESSIONS = 4;
const CROWD_CLICKS = 15;
/**
 * Bot → bot with two participants: PAIR_SESSIONS sessions (fresh rooms for A and B) of PAIR_CLICKS clicks each. Each
 * session's receiver settles at its own depth, up to 25 ms apart on this machine, so the figure pools many short
 * sessions rather than a few long ones.
 */
const PAIR_SESSIONS = 12;
const PAIR_CLICKS = 15;
/** Long enough that a click is never paired with the next one even on a loaded machine. */
const CLICK_PERIOD_MS = 500;
/** Joins per figure: the p95 of 40 is their third-slowest, steadier from run to run than the second-slowest of 20. */
const JOINS = 40;
const PUBLISHERS = 20;
/** Browser → bot: BROWSER_SESSIONS sessions of the page with the gate working (and as many held open) of BROWSER_CLICKS. */
const BROWSER_SESSIONS = 4;
const BROWSER_CLICKS = 15;
const BROWSER_WARMUP = 3;
/** Longer than the gate's hold (300 ms) plus the burst, so the gate is closed again before each burst. */
const BROWSER_PERIOD_MS = 750;
const FULL_SCALE = 32_767;
const CLICK_DETECT = 0.2 * FULL_SCALE;
const NON_SILENT = 0.03 * FULL_SCALE;
const BOTS_ONLY = process.argv.includes('--bots-only');
const BROWSER_ONLY = process.argv.includes('--browser-only');
/** Only the 20-publisher joins (no one-way sessions, no pair figures, no browser): see the header. */
const CROWD_JOINS_ONLY = process.argv.includes('--crowd-joins-only');
/** Where a 20-publisher join's time goes (a diagnostic): see the header. */
const JOIN_BREAKDOWN = process.argv.includes('--join-breakdown');
if ((CROWD_JOINS_ONLY || JOIN_BREAKDOWN) && BROWSER_ONLY) throw new Error('--browser-only measures no joins: drop one');
if (CROWD_JOINS_ONLY && JOIN_BREAKDOWN) throw new Error('--crowd-joins-only and --join-breakdown: one at a time');
/** Joins per block of the breakdown; each round has a block of each of its three kinds of join. */
const BREAKDOWN_JOINS = 20;
const BREAKDOWN_ROUNDS = 4;
const BREAKDOWN_KINDS = [
  { name: 'first_of_any_crowd_sending', oneTrack: false, crowdSending: true },
  { name: 'one_track_crowd_sending', oneTrack: true, crowdSending: true },
  { name: 'one_track_crowd_silent', oneTrack: true, crowdSending: false },
] as const;
type BreakdownKind = (typeof BREAKDOWN_KINDS)[number]['name'];
const WAV_PATH = resolve(ROOT, 'out/bench/media-clicks.wav');
/** The bots' Opus: DTX on, in-band FEC (negotiated), RED off, 20 ms frames (WebRTC's default); see the header. */
const MIC_OPTIONS = { source: TrackSource.SOURCE_MICROPHONE, dtx: true, red: false } as const;

const log = (...args: unknown[]) => console.error('[bench:media]', ...args);
const now = (): number => performance.timeOrigin + performance.now();

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? Number.NaN) * 10) / 10;
}

function peak(data: Int16Array): number {
  let max = 0;
  for (const v of data) max = Math.max(max, Math.abs(v));
  return max;
}

interface Member {
  id: string;
  token: string;
  name: string;
}

/** Reads every frame of an audio track, calling `onFrame(data, wallMs)` as each arrives; returns the stop function. */
function readAudio(track: RemoteTrack, onFrame: (data: Int16Array, atMs: number) => boolean | void): () => void {
  const stream = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 });
  const reader = stream.getReader();
  let stopped = false;
  void (async () => {
    try {
      while (!stopped) {
        const { value, done } = await reader.read();
        if (done) break;
        if (onFrame(value.data, now()) === true) break;
      }
    } catch {
      // the track went away
    } finally {
      stopped = true;
      await reader.cancel().catch(() => undefined);
    }
  })();
  return () => {
    stopped = true;
    reader.cancel().catch(() => undefined);
  };
}

/** Resolves with the first remote audio track `room` subscribes to from `identity` (any identity when undefined). */
function subscribedAudio(room: Room, identity: string | undefined, timeoutMs = 15_000): Promise<RemoteTrack> {
  return new Promise((resolveTrack, reject) => {
    const timer = setTimeout(() => reject(new Error(`no audio track from ${identity ?? 'anyone'} within ${timeoutMs} ms`)), timeoutMs);
    const onTrack = (track: RemoteTrack, _pub: unknown, participant: RemoteParticipant) => {
      if (track.kind !== TrackKind.KIND_AUDIO || (identity && participant.identity !== identity)) return;
      clearTimeout(timer);
      room.off(RoomEvent.TrackSubscribed, onTrack);
      resolveTrack(track);
    };
    room.on(RoomEvent.TrackSubscribed, onTrack);
    for (const participant of room.remoteParticipants.values()) {
      if (identity && participant.identity !== identity) continue;
      for (const pub of participant.trackPublications.values())
        if (pub.track && pub.track.kind === TrackKind.KIND_AUDIO) onTrack(pub.track as RemoteTrack, pub, participant);
    }
  });
}

/** A bot in a voice channel: joins through the API, connects, and optionally publishes paced audio. */
class Bot {
  readonly room = new Room();
  private stopAudio: (() => void) | null = null;

  constructor(readonly member: Member) {
    // rtc-node adds a Room listener per subscribed track; a bot in a 20-publisher room has more than 10.
    this.room.setMaxListeners(50);
  }

  async connect(call: ApiCall, channelId: string, autoSubscribe: boolean): Promise<void> {
    const join = await call<JoinReply>('POST', `/channels/${channelId}/voice/join`, {}, this.member.token);
    await this.room.connect(join.url, join.token, { autoSubscribe, dynacast: false });
  }

  async publish(fill: (data: Int16Array, index: number) => void, sent?: (index: number, atMs: number) => void): Promise<void> {
    const source = unqueuedSource();
    await this.room.localParticipant?.publishTrack(LocalAudioTrack.createAudioTrack('mic', source), new TrackPublishOptions(MIC_OPTIONS));
    this.stopAudio = startPacedAudio(source, fill, sent);
  }

  async close(): Promise<void> {
    this.stopAudio?.();
    await this.room.disconnect().catch(() => undefined);
  }
}

/**
 * The clicker's audio: silence, and from frame `firstClick` on a click every CLICK_PERIOD_MS; `onClick(atMs)` is told
 * the wall time each click's frame was captured.
 */
function clicker(onClick: (atMs: number) => void, firstClick: { frame: number }) {
  const every = CLICK_PERIOD_MS / 10;
  const isClick = (index: number) => index >= firstClick.frame && (index - firstClick.frame) % every === 0;
  const fill = (data: Int16Array, index: number) => {
    if (!isClick(index)) return;
    for (let i = 0; i < 240; i++) data[i] = Math.round(0.6 * FULL_SCALE * Math.sin((2 * Math.PI * 1000 * i) / SAMPLE_RATE));
  };
  const meter = pacingMeter();
  const sent = (index: number, atMs: number) => {
    meter.sent(index, atMs);
    if (isClick(index)) onClick(atMs);
  };
  return { fill, sent, pacing: () => describePacing([meter]) };
}

/**
 * A paced source's hand-overs as the receiver's jitter buffer sees them: how far each frame strayed from 10 ms after
 * the previous one, and how many frames the pacer skipped (it was more than MAX_BEHIND frames late).
 */
function pacingMeter() {
  const jitter: number[] = [];
  let previous: { index: number; atMs: number } | null = null;
  let skipped = 0;
  let frames = 0;
  return {
    jitter,
    get skipped() {
      return skipped;
    },
    get frames() {
      return frames;
    },
    sent(index: number, atMs: number) {
      frames += 1;
      if (previous && index === previous.index + 1) jitter.push(Math.abs(atMs - previous.atMs - 10));
      else if (previous) skipped += index - previous.index - 1;
      previous = { index, atMs };
    },
    /** The pacer starts again from frame 0 (the crowd sending again after a silence). */
    restart() {
      previous = null;
    },
  };
}

/** Several meters' hand-overs taken together: every jitter sample, and the frames sent and skipped in all. */
function pooledPacing(meters: ReturnType<typeof pacingMeter>[]) {
  return {
    jitter: meters.flatMap((m) => m.jitter),
    skipped: meters.reduce((sum, m) => sum + m.skipped, 0),
    frames: meters.reduce((sum, m) => sum + m.frames, 0),
  };
}

function describePacing(meters: ReturnType<typeof pacingMeter>[]): string {
  const { jitter, skipped, frames } = pooledPacing(meters);
  return `pacer jitter p50 ${percentile(jitter, 50)} ms, p99 ${percentile(jitter, 99)} ms, max ${percentile(jitter, 100)} ms, ${skipped} of ${frames + skipped} frames skipped`;
}

/**
 * One-way latency of `clicks` clicks from the clicker `a` (publishing already) as `b` receives them. Each detection is
 * paired with the latest click sent before it.
 */
async function measureClicks(b: Bot, aIdentity: string, a: ClickerProcess, clicks: number) {
  const track = await subscribedAudio(b.room, aIdentity);
  const detections: number[] = [];
  let last = 0;
  const stop = readAudio(track, (data, at) => {
    if (peak(data) > CLICK_DETECT && at - last > CLICK_PERIOD_MS / 2) {
      last = at;
      detections.push(at);
    }
  });
  // Let the subscription settle for a second, then start clicking.
  await new Promise((r) => setTimeout(r, 1_000));
  a.startClicking();
  // The receiver's jitter buffer over the counted clicks (its counters read after the warm-up and at the end).
  await new Promise((r) => setTimeout(r, 50 + WARMUP_CLICKS * CLICK_PERIOD_MS));
  const counted = await inboundAudioCounters(track);
  await new Promise((r) => setTimeout(r, (clicks - WARMUP_CLICKS) * CLICK_PERIOD_MS + 1_000));
  const jitterBuffer = jitterBufferBetween(counted, await inboundAudioCounters(track));
  stop();
  const sentAt = a.sentAt;
  const latencies: number[] = [];
  for (const at of detections) {
    const k = sentAt.findLastIndex((s) => s <= at);
    if (k < WARMUP_CLICKS || k >= clicks) continue;
    latencies.push(at - sentAt[k]!);
  }
  log(`clicks sent ${sentAt.length}, detected ${detections.length}, counted ${latencies.length}`);
  if (latencies.length < clicks - WARMUP_CLICKS - 5) throw new Error(`only ${latencies.length} clicks detected`);
  log(
    jitterBuffer
      ? `receiver's jitter buffer over the counted clicks: delay ${jitterBuffer.delayMs} ms, target ${jitterBuffer.targetMs} ms`
      : "receiver's jitter buffer: stats not readable",
  );
  return { latencies, jitterBufferMs: jitterBuffer?.delayMs ?? Number.NaN };
}

/** JOINS joins by default; with onlyIdentity, the first audio counted is that participant's, not the first of any. */
interface JoinOptions {
  joins?: number;
  onlyIdentity?: string;
}

/**
 * JOINS times: a fresh bot connects to the channel (token fetched first) → its first non-silent received frame. Runs
 * in the joiner's own process (joinsInChild). One warm-up join comes first and is not counted: a process's first Room
 * also pays rtc-node's one-time setup (its native WebRTC stack starting), which a client pays once at start-up, not
 * on every join.
 */
async function measureJoins(
  call: ApiCall,
  channelId: string,
  joiner: Member,
  options: JoinOptions = {},
  onJoin: (ms: number) => void = () => undefined,
): Promise<number[]> {
  const joins: number[] = [];
  for (let i = -1; i < (options.joins ?? JOINS); i++) {
    const join = await call<JoinReply>('POST', `/channels/${channelId}/voice/join`, {}, joiner.token);
    const room = new Room();
    // rtc-node adds a Room listener per subscribed track, and the joiner subscribes to every publisher.
    room.setMaxListeners(50);
    const stops: (() => void)[] = [];
    try {
      const heard = new Promise<number>((resolveHeard, reject) => {
        const timer = setTimeout(() => reject(new Error('no audio within 15 s of connecting')), 15_000);
        room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
          if (track.kind !== TrackKind.KIND_AUDIO) return;
          if (options.onlyIdentity !== undefined && participant.identity !== options.onlyIdentity) return;
          stops.push(
            readAudio(track, (data, at) => {
              if (peak(data) <= NON_SILENT) return;
              clearTimeout(timer);
              resolveHeard(at);
              return true;
            }),
          );
        });
      });
      const t0 = now();
      await room.connect(join.url, join.token, { autoSubscribe: true, dynacast: false });
      const connected = now() - t0;
      const ms = (await heard) - t0;
      if (i >= 0) {
        joins.push(ms);
        onJoin(ms);
      }
      log(`${i < 0 ? 'warm-up join' : `join ${i + 1}`}: ${Math.round(ms)} ms (room.connect() resolved after ${Math.round(connected)} ms)`);
    } finally {
      for (const stop of stops) stop();
      await room.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return joins;
}

/**
 * PAIR_SESSIONS sessions of bot A clicking and a fresh bot B listening in `channelId` (each session's receiver settles
 * at its own jitter-buffer depth, so one session alone says little about the next); then JOINS joins of `joiner`
 * while A sends a tone.
 */
async function pairFigures(call: ApiCall, channelId: string, a: Member, b: Member, joiner: Member) {
  const oneWay: number[] = [];
  const sessionP50: number[] = [];
  const sessionJitterBuffer: number[] = [];
  const busy = busyMeter();
  for (let session = 0; session < PAIR_SESSIONS; session++) {
    const botB = new Bot(b);
    let botA: ClickerProcess | null = null;
    try {
      botA = await ClickerProcess.start(await call<JoinReply>('POST', `/channels/${channelId}/voice/join`, {}, a.token), false);
      await botB.connect(call, channelId, true);
      const { latencies, jitterBufferMs } = await measureClicks(botB, a.id, botA, PAIR_CLICKS);
      log(`session ${session + 1} one-way samples`, latencies.map((t) => Math.round(t)).join(' '), `(${await botA.stop()})`);
      oneWay.push(...latencies);
      sessionP50.push(percentile(latencies, 50));
      sessionJitterBuffer.push(jitterBufferMs);
    } finally {
      botA?.kill();
      await botB.close();
    }
  }
  const publisher = new Bot(a);
  try {
    await publisher.connect(call, channelId, false);
    await publisher.publish(toneFill(440, 0.25));
    const clicksBusy = busy.stop();
    const joinsBusy = busyMeter();
    const joins = await joinsInChild(call.base, channelId, joiner);
    return { oneWay, sessionP50, sessionJitterBuffer, joins, busy: { clicks: clicksBusy, joins: joinsBusy.stop() } };
  } finally {
    await publisher.close();
  }
}

/** Runs this file again as a child process (the clicker, the crowd, the joiner). */
const TSX_CLI = resolve(import.meta.dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

/**
 * How many times a joiner process died before its joins were done (crashed in rtc-node's native code, exit 139, as it
 * did about once in 15 runs here); printed as joiner_process_crashes. The join in progress is lost, and a new process
 * (with a warm-up join of its own) takes the remaining joins.
 */
let joinerCrashes = 0;
/** More joiner crashes than this in one run end it. */
const JOINER_RESTARTS = 3;

/**
 * measureJoins in a child process of its own (this file with --joiner), as a client runs apart from the server: in
 * this process the server handles the LiveKit webhooks of each join (participant joined and left), at the moment the
 * joiner connects. The config (JSON) goes in as one line; each counted join comes out as "join <ms>", then "done".
 * When the process dies first, a new one takes the remaining joins (see joinerCrashes).
 */
async function joinsInChild(base: string, channelId: string, joiner: Member, options: JoinOptions = {}): Promise<number[]> {
  const wanted = options.joins ?? JOINS;
  const joins: number[] = [];
  for (;;) {
    const child = spawn(process.execPath, [TSX_CLI, import.meta.filename, '--joiner'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<string>((resolveExit) => child.once('exit', (code, signal) => resolveExit(signal ?? `code ${code}`)));
    try {
      // stdin stays open: the child leaves when it closes, also when this process dies without a chance to kill it.
      const config = { base, channelId, joiner, options: { ...options, joins: wanted - joins.length } };
      child.stdin.write(`${JSON.stringify(config)}\n`);
      for await (const line of createInterface({ input: child.stdout })) {
        if (line.startsWith('join ')) joins.push(Number(line.slice('join '.length)));
        if (line === 'done') return joins;
      }
      const how = await exited;
      // A segmentation fault (tsx passes the child's on as exit code 139) is rtc-node's crash; anything else (a join
      // that heard nothing, say) is a failure of the run.
      const crashed = how === 'code 139' || how === 'SIGSEGV';
      if (!crashed || ++joinerCrashes > JOINER_RESTARTS) throw new Error(`joiner process ended without its join times (${how})`);
      if (joins.length >= wanted) return joins;
      log(`joiner process ended (${how}) after ${joins.length} of ${wanted} joins; a new one takes the rest`);
    } finally {
      child.kill('SIGTERM');
    }
  }
}

/** The child side of joinsInChild. */
async function joinerChild(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const config = JSON.parse(String((await lines.next()).value)) as {
    base: string;
    channelId: string;
    joiner: Member;
    options?: JoinOptions;
  };
  // The parent gone (stdin closed): leave rather than join on as an orphan.
  void (async () => {
    while (!(await lines.next()).done);
    process.exit(1);
  })();
  await measureJoins(apiCaller(config.base), config.channelId, config.joiner, config.options, (ms) => {
    process.stdout.write(`join ${ms}\n`);
  });
  process.stdout.write('done\n');
  await dispose();
}

/**
 * Clicker A in a child process of its own (this file with --clicker). One line each way on stdin / stdout: the parent
 * sends the voice join (JSON) and the child answers "ready" once A publishes; "ping" → "pong <wall ms>" (the clock
 * check); "start" → A clicks from five frames later, each click reported as "click <wall ms>"; "stop" → "pacing
 * <jitter>", then A leaves and the child exits.
 */
class ClickerProcess {
  /** Wall time (this process's clock) each click's frame was captured. */
  readonly sentAt: number[] = [];
  /** The child's clock minus this one's, from the ping with the shortest round trip. */
  private offset = 0;
  private readonly waiting = new Map<string, (rest: string) => void>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.once('exit', () => {
      this.exited = true;
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const space = line.indexOf(' ');
      const word = space < 0 ? line : line.slice(0, space);
      const rest = space < 0 ? '' : line.slice(space + 1);
      if (word === 'click') this.sentAt.push(Number(rest) - this.offset);
      else this.waiting.get(word)?.(rest);
    });
  }

  static async start(join: JoinReply, quietTone: boolean): Promise<ClickerProcess> {
    const child = spawn(process.execPath, [TSX_CLI, import.meta.filename, '--clicker'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const clicker = new ClickerProcess(child);
    try {
      const ready = clicker.reply('ready', 60_000);
      clicker.send(JSON.stringify({ ...join, quietTone }));
      await ready;
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) {
        const t0 = now();
        const pong = clicker.reply('pong');
        clicker.send('ping');
        const childAt = Number(await pong);
        const t1 = now();
        if (t1 - t0 < best) {
          best = t1 - t0;
          clicker.offset = childAt - (t0 + t1) / 2;
        }
      }
      log(`clicker process: clock offset ${clicker.offset.toFixed(2)} ms (±${(best / 2).toFixed(2)})`);
      return clicker;
    } catch (error) {
      clicker.kill();
      throw error;
    }
  }

  startClicking(): void {
    this.send('start');
  }

  /** Stops the clicks and ends the child; resolves with its pacer's jitter. */
  async stop(): Promise<string> {
    const pacing = this.reply('pacing');
    this.send('stop');
    const text = await pacing;
    await new Promise<void>((resolveExit) => (this.exited ? resolveExit() : this.child.once('exit', () => resolveExit())));
    return text;
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGTERM');
  }

  private send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  private reply(word: string, timeoutMs = 10_000): Promise<string> {
    return new Promise((resolveReply, reject) => {
      const timer = setTimeout(() => reject(new Error(`clicker process: no "${word}" within ${timeoutMs} ms`)), timeoutMs);
      this.child.once('exit', () => reject(new Error(`clicker process exited before "${word}"`)));
      this.waiting.set(word, (rest) => {
        clearTimeout(timer);
        this.waiting.delete(word);
        resolveReply(rest);
      });
    });
  }
}

/** The child side of ClickerProcess. */
async function clickerChild(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const config = JSON.parse(String((await lines.next()).value)) as JoinReply & { quietTone: boolean };
  const room = new Room();
  process.once('SIGTERM', () => {
    void room
      .disconnect()
      .catch(() => undefined)
      .then(() => dispose())
      .finally(() => process.exit(0));
  });
  await room.connect(config.url, config.token, { autoSubscribe: false, dynacast: false });
  const firstClick = { frame: Number.POSITIVE_INFINITY };
  let frame = 0;
  const click = clicker((atMs) => process.stdout.write(`click ${atMs}\n`), firstClick);
  const quiet = toneFill(200, 0.05);
  const source = unqueuedSource();
  await room.localParticipant?.publishTrack(LocalAudioTrack.createAudioTrack('mic', source), new TrackPublishOptions(MIC_OPTIONS));
  const stopAudio = startPacedAudio(
    source,
    (data, index) => {
      frame = index;
      if (config.quietTone) quiet(data, index);
      click.fill(data, index);
    },
    click.sent,
  );
  process.stdout.write('ready\n');
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    if (next.value === 'ping') process.stdout.write(`pong ${now()}\n`);
    else if (next.value === 'start') firstClick.frame = frame + 5;
    else if (next.value === 'stop') break;
  }
  stopAudio();
  process.stdout.write(`pacing ${click.pacing()}\n`);
  await room.disconnect().catch(() => undefined);
  await dispose();
}

/** The crowd's bots run in CROWD_PROCESSES child processes, so their audio does not load the measuring event loop. */
const CROWD_PROCESSES = 2;

interface CrowdBot {
  url: string;
  token: string;
  hz: number;
}

interface CrowdPacing {
  jitterP99Ms: number;
  skipped: number;
  frames: number;
}

interface CrowdProcess {
  child: ChildProcess;
  /** The pacing of this process's bots so far. */
  pacing(): Promise<CrowdPacing>;
  /** Its bots stop sending audio (they stay connected, their tracks published), or start again. */
  setSending(sending: boolean): Promise<void>;
}

/**
 * Starts bots (each publishing a quiet tone) in a child process (this file with --crowd); resolves once all publish.
 * The process runs at nice 10: in a real room these bots' encoding happens on their own machines, so here it takes
 * the cores only when the SFU and the measured bots leave them idle. Their pacing is reported with the figures
 * (crowd_*: how late their frames were handed over, how many were skipped), showing how live their audio stayed.
 * One line each way: the bots (JSON) in, "ready" out; then "pacing" → "pacing <CrowdPacing JSON>"; "silent" and
 * "sending" are echoed once done.
 */
async function startCrowdProcess(bots: CrowdBot[]): Promise<CrowdProcess> {
  const child = spawn('nice', ['-n', '10', process.execPath, TSX_CLI, import.meta.filename, '--crowd'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  // stdin stays open: the child leaves when it closes, also when this process dies without a chance to SIGTERM it.
  child.stdin.write(`${JSON.stringify(bots)}\n`);
  const next = (word: string, timeoutMs: number) =>
    new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`crowd process: no "${word}" within ${timeoutMs} ms`)), timeoutMs);
      const onExit = (code: number | null) => reject(new Error(`crowd process exited (${code}) before "${word}"`));
      child.once('exit', onExit);
      const onLine = (line: string) => {
        if (!line.startsWith(word)) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        lines.off('line', onLine);
        resolveLine(line.slice(word.length).trim());
      };
      lines.on('line', onLine);
    });
  await next('ready', 60_000);
  return {
    child,
    async pacing() {
      const reply = next('pacing', 10_000);
      child.stdin.write('pacing\n');
      return JSON.parse(await reply) as CrowdPacing;
    },
    async setSending(sending: boolean) {
      const word = sending ? 'sending' : 'silent';
      const reply = next(word, 10_000);
      child.stdin.write(`${word}\n`);
      await reply;
    },
  };
}

/**
 * The child side of startCrowdProcess: connect and publish every bot, say "ready", answer "pacing", stay until
 * SIGTERM or stdin's end.
 */
async function crowdChild(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const bots = JSON.parse(String((await lines.next()).value)) as CrowdBot[];
  const rooms: Room[] = [];
  const stops: (() => void)[] = [];
  const meters: ReturnType<typeof pacingMeter>[] = [];
  const leave = () => {
    for (const stop of stops) stop();
    void Promise.all(rooms.map((room) => room.disconnect().catch(() => undefined)))
      .then(() => dispose())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', leave);
  const tracks: PacedTrack[] = [];
  for (const bot of bots) {
    const room = new Room();
    rooms.push(room);
    await room.connect(bot.url, bot.token, { autoSubscribe: false, dynacast: false });
    const source = unqueuedSource();
    await room.localParticipant?.publishTrack(LocalAudioTrack.createAudioTrack('mic', source), new TrackPublishOptions(MIC_OPTIONS));
    const meter = pacingMeter();
    meters.push(meter);
    tracks.push({ source, fill: toneFill(bot.hz, 0.05), sent: (index, atMs) => meter.sent(index, atMs) });
  }
  // One timer for the process's bots: a tick per 10 ms, not one per bot (a quarter less CPU for 9 bots, measured).
  let stopPacing = startPacedAudioGroup(tracks);
  stops.push(() => stopPacing());
  process.stdout.write('ready\n');
  // Until SIGTERM, or until stdin closes (the parent is gone).
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    if (next.value === 'silent') {
      stopPacing();
      stopPacing = () => undefined;
      process.stdout.write('silent\n');
    }
    if (next.value === 'sending') {
      stopPacing();
      for (const meter of meters) meter.restart();
      stopPacing = startPacedAudioGroup(tracks);
      process.stdout.write('sending\n');
    }
    if (next.value !== 'pacing') continue;
    const { jitter, skipped, frames } = pooledPacing(meters);
    const pacing: CrowdPacing = { jitterP99Ms: percentile(jitter, 99), skipped, frames };
    process.stdout.write(`pacing ${JSON.stringify(pacing)}\n`);
  }
  leave();
  await new Promise<never>(() => undefined);
}

interface BreakdownTally {
  joins: number[];
  busy: number[];
}

/**
 * --join-breakdown: BREAKDOWN_ROUNDS rounds of a block of BREAKDOWN_JOINS joins of each kind, the order reversed every
 * other round; `crowd` (the 18) sends or stays silent as each kind says, and sends again at the end.
 */
async function breakdownJoins(
  call: ApiCall,
  channelId: string,
  joiner: Member,
  clickerId: string,
  crowd: CrowdProcess[],
): Promise<Map<BreakdownKind, BreakdownTally>> {
  const kinds = new Map<BreakdownKind, BreakdownTally>();
  for (let round = 0; round < BREAKDOWN_ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? BREAKDOWN_KINDS : [...BREAKDOWN_KINDS].reverse()) {
      await Promise.all(crowd.map((c) => c.setSending(kind.crowdSending)));
      const busy = busyMeter();
      const options = { joins: BREAKDOWN_JOINS, onlyIdentity: kind.oneTrack ? clickerId : undefined };
      const times = await joinsInChild(call.base, channelId, joiner, options);
      const busyPct = busy.stop();
      log(`${kind.name}:`, times.map((t) => Math.round(t)).join(' '));
      const tally = kinds.get(kind.name) ?? { joins: [], busy: [] };
      tally.joins.push(...times);
      if (busyPct !== null) tally.busy.push(busyPct);
      kinds.set(kind.name, tally);
    }
  }
  await Promise.all(crowd.map((c) => c.setSending(true)));
  return kinds;
}

/**
 * The same with PUBLISHERS bots in the channel, every one publishing: A (clicks on a quiet tone), B (listens, and
 * publishes a quiet tone) and the crowd (a quiet tone each, in child processes, subscribing to nothing). B subscribes
 * to everyone, so the SFU forwards B all 19 tracks, and reads A's.
 */
async function crowdFigures(
  call: ApiCall,
  channelId: string,
  members: Member[],
  joiner: Member,
  { sessions, breakdown }: { sessions: number; breakdown: boolean },
) {
  const [a, b, ...others] = members;
  if (!a || !b) throw new Error('need at least two members');
  const children: CrowdProcess[] = [];
  try {
    const crowd: CrowdBot[] = [];
    for (const [i, m] of others.entries()) {
      const join = await call<JoinReply>('POST', `/channels/${channelId}/voice/join`, {}, m.token);
      crowd.push({ url: join.url, token: join.token, hz: 300 + 20 * i });
    }
    const per = Math.ceil(crowd.length / CROWD_PROCESSES);
    for (let i = 0; i < crowd.length; i += per) children.push(await startCrowdProcess(crowd.slice(i, i + per)));
    const oneWay: number[] = [];
    const sessionP50: number[] = [];
    const sessionJitterBuffer: number[] = [];
    const clicksBusy = busyMeter();
    for (let session = 0; session < sessions; session++) {
      const botB = new Bot(b);
      let botA: ClickerProcess | null = null;
      try {
        await botB.connect(call, channelId, true);
        await botB.publish(toneFill(250, 0.05));
        // A's clicks sit on a quiet tone like everyone else's audio, so A is never silent either.
        botA = await ClickerProcess.start(await call<JoinReply>('POST', `/channels/${channelId}/voice/join`, {}, a.token), true);
        const { latencies, jitterBufferMs } = await measureClicks(botB, a.id, botA, CROWD_CLICKS);
        log(
          `20 publishers, session ${session + 1} one-way samples`,
          latencies.map((t) => Math.round(t)).join(' '),
          `(${await botA.stop()})`,
        );
        oneWay.push(...latencies);
        sessionP50.push(percentile(latencies, 50));
        sessionJitterBuffer.push(jitterBufferMs);
      } finally {
        botA?.kill();
        await botB.close();
      }
    }
    const clicksBusyPct = clicksBusy.stop();
    // During the joins the room has its 20 publishers again: A and B rejoin as publishers only, in a child process
    // like the 18, and the joiner runs in a process of its own: rtc-node runs every Room of a process on one set of
    // WebRTC threads, and a real joiner shares its threads with no other client's 19 decoders.
    const rejoin: CrowdBot[] = [];
    for (const [member, hz] of [
      [a, 200],
      [b, 250],
    ] as const) {
      const join = await call<JoinReply>('POST', `/channels/${channelId}/voice/join`, {}, member.token);
      rejoin.push({ url: join.url, token: join.token, hz });
    }
    const crowdOf18 = [...children];
    children.push(await startCrowdProcess(rejoin));
    const kinds = breakdown ? await breakdownJoins(call, channelId, joiner, a.id, crowdOf18) : new Map<BreakdownKind, BreakdownTally>();
    const joinsBusy = busyMeter();
    const joins = breakdown ? [] : await joinsInChild(call.base, channelId, joiner);
    const joinsBusyPct = joinsBusy.stop();
    const pacing = await Promise.all(children.map((c) => c.pacing()));
    log('crowd pacing per process', JSON.stringify(pacing));
    const frames = pacing.reduce((sum, p) => sum + p.frames + p.skipped, 0);
    const crowdPacing = {
      jitterP99Ms: Math.max(...pacing.map((p) => p.jitterP99Ms)),
      skippedPct: Math.round((pacing.reduce((sum, p) => sum + p.skipped, 0) / frames) * 10_000) / 100,
    };
    return {
      oneWay,
      sessionP50,
      sessionJitterBuffer,
      joins,
      breakdown: kinds,
      crowdPacing,
      busy: { clicks: clicksBusyPct, joins: joinsBusyPct },
    };
  } finally {
    for (const { child } of children) child.kill('SIGTERM');
  }
}

/** The 20-publisher join figures, and how the crowd's audio kept time meanwhile (a full run and --crowd-joins-only). */
function crowdJoinFigures(crowd: Awaited<ReturnType<typeof crowdFigures>>): Record<string, number | string> {
  return {
    bot_join_cpu_busy_pct_20pub: crowd.busy.joins ?? 'n/a',
    bot_join_first_audio_p50_ms_20pub: percentile(crowd.joins, 50),
    bot_join_first_audio_p95_ms_20pub: percentile(crowd.joins, 95),
    crowd_pacer_jitter_p99_ms_20pub: crowd.crowdPacing.jitterP99Ms,
    crowd_frames_skipped_pct_20pub: crowd.crowdPacing.skippedPct,
  };
}

/** A 16-bit mono 48 kHz WAV of BROWSER_PERIOD_MS: a 60 ms 1 kHz burst at half scale, then digital silence. */
function writeClickWav(path: string): void {
  const samples = (SAMPLE_RATE * BROWSER_PERIOD_MS) / 1000;
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < (SAMPLE_RATE * 60) / 1000; i++)
    pcm.writeInt16LE(Math.round(0.5 * FULL_SCALE * Math.sin((2 * Math.PI * 1000 * i) / SAMPLE_RATE)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.length, 40);
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, Buffer.concat([header, pcm]));
}

/**
 * Page init script: taps a clone of every microphone track getUserMedia returns (MediaStreamTrackProcessor) and
 * pushes the wall clock of each burst onset (the AudioData holding it arrives; at most one per half period) to
 * window.__micClicks. A string, so nothing in it is renamed by the bundler.
 */
const MIC_TAP = `(() => {
  window.__micClicks = [];
  window.__micTapError = null;
  const orig = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await orig(constraints);
    for (const track of stream.getAudioTracks()) {
      if (typeof MediaStreamTrackProcessor !== 'function') { window.__micTapError = 'no MediaStreamTrackProcessor'; break; }
      const reader = new MediaStreamTrackProcessor({ track: track.clone() }).readable.getReader();
      let last = 0;
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          const at = performance.timeOrigin + performance.now();
          const buf = new Float32Array(value.numberOfFrames);
          value.copyTo(buf, { planeIndex: 0, format: 'f32-planar' });
          value.close();
          let max = 0;
          for (const v of buf) max = Math.max(max, Math.abs(v));
          if (max > ${CLICK_DETECT / FULL_SCALE} && at - last > ${BROWSER_PERIOD_MS / 2}) { last = at; window.__micClicks.push(at); }
        }
      })().catch((e) => { window.__micTapError = String(e); });
    }
    return stream;
  };
})();`;

/** Browser → bot one-way latency through the web client (see the header). */
async function browserFigures(
  serverUrl: string,
  call: ApiCall,
  channelId: string,
  channelName: string,
  listener: Member,
  browserUser: Member,
) {
  ensureWebBuild();
  writeClickWav(WAV_PATH);
  const browser = await launchChromium([`--use-file-for-fake-audio-capture=${WAV_PATH}`]);
  const botB = new Bot(listener);
  /**
   * One page session: sign in, join the channel, let the bot detect BROWSER_CLICKS bursts, leave. `gateOpen`: the
   * member's VAD threshold is set to −100 dBFS (the settings the app keeps in localStorage), so the gate never closes:
   * the same chain without the gate's opening delay.
   */
  const pass = async (gateOpen: boolean): Promise<number[]> => {
    // The previous pass's participant must be gone, or its track would be taken for the new one.
    for (let i = 0; i < 150 && [...botB.room.remoteParticipants.values()].some((p) => p.identity === browserUser.id); i++)
      await new Promise((r) => setTimeout(r, 100));
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    try {
      await context.addInitScript(MIC_TAP);
      if (gateOpen) await context.addInitScript(`localStorage.setItem('parley:settings', JSON.stringify({ vadThresholdDb: -100 }))`);
      const page = await context.newPage();
      await page.goto(`${serverUrl}/app/`);
      await page.getByLabel('Username').fill(browserUser.name);
      await page.getByLabel('Password').fill('bench password 1');
      await page.getByRole('button', { name: 'Log In' }).click();
      await page.locator(`button[aria-label^="${channelName} (voice channel)"]`).click();
      const track = await subscribedAudio(botB.room, browserUser.id, 30_000);
      const detections: number[] = [];
      let last = 0;
      const stop = readAudio(track, (data, at) => {
        if (peak(data) > CLICK_DETECT && at - last > BROWSER_PERIOD_MS / 2) {
          last = at;
          detections.push(at);
        }
      });
      await new Promise((r) => setTimeout(r, (BROWSER_CLICKS + BROWSER_WARMUP) * BROWSER_PERIOD_MS + 1_000));
      stop();
      const tap = await page.evaluate(() => {
        const w = window as unknown as { __micClicks: number[]; __micTapError: string | null };
        return { clicks: w.__micClicks, error: w.__micTapError };
      });
      if (tap.error) throw new Error(`microphone tap: ${tap.error}`);
      const latencies: number[] = [];
      for (const at of detections) {
        const k = tap.clicks.findLastIndex((c) => c <= at);
        if (k < 0 || at - tap.clicks[k]! > BROWSER_PERIOD_MS / 2) continue;
        latencies.push(at - tap.clicks[k]!);
      }
      const counted = latencies.slice(BROWSER_WARMUP);
      const label = gateOpen ? 'browser (gate held open)' : 'browser';
      log(`${label}: bursts at the page ${tap.clicks.length}, at the bot ${detections.length}, paired ${latencies.length}`);
      log(`${label} one-way samples`, counted.map((t) => Math.round(t)).join(' '));
      if (counted.length < BROWSER_CLICKS * 0.8) throw new Error(`only ${counted.length} bursts paired (is the voice gate opening?)`);
      await page.getByRole('button', { name: 'Disconnect from voice' }).click();
      return counted;
    } finally {
      await context.close();
    }
  };
  try {
    await botB.connect(call, channelId, true);
    const busy = busyMeter();
    const gated: number[][] = [];
    const open: number[][] = [];
    for (let session = 0; session < BROWSER_SESSIONS; session++) {
      gated.push(await pass(false));
      open.push(await pass(true));
    }
    return { gated, open, busy: busy.stop() };
  } finally {
    await botB.close();
    await browser.close().catch(() => undefined);
  }
}

/** Each session's mean jitter-buffer delay, as audio_one_way_session_p50_ms lists its median ('n/a' when unread). */
function jitterBuffers(perSession: number[]): string {
  return perSession.map((ms) => (Number.isNaN(ms) ? 'n/a' : String(ms))).join(' / ');
}

async function main(): Promise<void> {
  const bench = await startBenchServer('media');
  try {
    const { server, base } = bench;
    const call = apiCaller(base);

    // A guild with one voice channel per scenario, and the bots' accounts as its members.
    const owner = await call<{ user: { id: string }; accessToken: string }>('POST', '/auth/register', {
      username: 'media_owner',
      password: 'bench password 1',
    });
    const guild = await call<{ id: string }>('POST', '/guilds', { name: 'Media Bench' }, owner.accessToken);
    const voice = async (name: string) =>
      (await call<{ id: string }>('POST', `/guilds/${guild.id}/channels`, { type: 'voice', name }, owner.accessToken)).id;
    const pairChannel = await voice('pair');
    const crowdChannel = await voice('crowd');
    const browserChannel = await voice('browser');
    const invite = await call<{ code: string }>('POST', `/guilds/${guild.id}/invites`, {}, owner.accessToken);
    const members: Member[] = [];
    for (let i = 0; i < PUBLISHERS + 1; i++) {
      const name = `media_bot_${i}`;
      const user = await call<{ user: { id: string }; accessToken: string }>('POST', '/auth/register', {
        username: name,
        password: 'bench password 1',
      });
      await call('POST', `/invites/${invite.code}`, {}, user.accessToken);
      members.push({ id: user.user.id, token: user.accessToken, name });
    }
    const joiner = members[PUBLISHERS]!;
    // The page's account: registered like the bots, signed in through the login form.
    const browserAccount = await call<{ user: { id: string }; accessToken: string }>('POST', '/auth/register', {
      username: 'media_browser',
      password: 'bench password 1',
    });
    await call('POST', `/invites/${invite.code}`, {}, browserAccount.accessToken);
    const browserMember: Member = { id: browserAccount.user.id, token: browserAccount.accessToken, name: 'media_browser' };
    const ownerMember: Member = { id: owner.user.id, token: owner.accessToken, name: 'media_owner' };

    const botFigures: Record<string, number | string> = {};
    if (JOIN_BREAKDOWN) {
      log(`${PUBLISHERS} publishers, the joins taken apart: ${BREAKDOWN_KINDS.map((k) => k.name).join(', ')}, in turn`);
      const options = { sessions: 0, breakdown: true };
      const { breakdown } = await crowdFigures(call, crowdChannel, members.slice(0, PUBLISHERS), joiner, options);
      const meanBusy = (values: number[]) =>
        values.length === 0 ? 'n/a' : Math.round((values.reduce((sum, v) => sum + v, 0) / values.length) * 10) / 10;
      for (const [name, { joins, busy }] of breakdown) {
        Object.assign(botFigures, {
          [`join_${name}_p50_ms`]: percentile(joins, 50),
          [`join_${name}_p95_ms`]: percentile(joins, 95),
          [`join_${name}_cpu_busy_pct`]: meanBusy(busy),
        });
      }
    } else if (CROWD_JOINS_ONLY) {
      log(`${PUBLISHERS} publishers, joins only`);
      const options = { sessions: 0, breakdown: false };
      const crowd = await crowdFigures(call, crowdChannel, members.slice(0, PUBLISHERS), joiner, options);
      log('join samples, 20 publishers', crowd.joins.map((t) => Math.round(t)).join(' '));
      Object.assign(botFigures, crowdJoinFigures(crowd));
    } else if (!BROWSER_ONLY) {
      log('bot → bot, 2 participants');
      const pair = await pairFigures(call, pairChannel, members[0]!, members[1]!, joiner);
      log(`${PUBLISHERS} publishers`);
      const options = { sessions: CROWD_SESSIONS, breakdown: false };
      const crowd = await crowdFigures(call, crowdChannel, members.slice(0, PUBLISHERS), joiner, options);
      log('join samples', pair.joins.map((t) => Math.round(t)).join(' '));
      log('join samples, 20 publishers', crowd.joins.map((t) => Math.round(t)).join(' '));
      Object.assign(botFigures, {
        audio_one_way_p50_ms: percentile(pair.oneWay, 50),
        audio_one_way_p95_ms: percentile(pair.oneWay, 95),
        audio_one_way_clicks: pair.oneWay.length,
        audio_one_way_session_p50_ms: pair.sessionP50.join(' / '),
        audio_one_way_session_jitter_buffer_ms: jitterBuffers(pair.sessionJitterBuffer),
        audio_one_way_cpu_busy_pct: pair.busy.clicks ?? 'n/a',
        bot_join_cpu_busy_pct: pair.busy.joins ?? 'n/a',
        bot_join_first_audio_p50_ms: percentile(pair.joins, 50),
        bot_join_first_audio_p95_ms: percentile(pair.joins, 95),
        audio_one_way_p50_ms_20pub: percentile(crowd.oneWay, 50),
        audio_one_way_p95_ms_20pub: percentile(crowd.oneWay, 95),
        audio_one_way_clicks_20pub: crowd.oneWay.length,
        audio_one_way_session_p50_ms_20pub: crowd.sessionP50.join(' / '),
        audio_one_way_session_jitter_buffer_ms_20pub: jitterBuffers(crowd.sessionJitterBuffer),
        audio_one_way_cpu_busy_pct_20pub: crowd.busy.clicks ?? 'n/a',
        ...crowdJoinFigures(crowd),
      });
    }
    const browserFigure: Record<string, number | string> = {};
    if (!BOTS_ONLY && !CROWD_JOINS_ONLY && !JOIN_BREAKDOWN) {
      log('browser → bot');
      try {
        const oneWay = await browserFigures(server.url, call, browserChannel, 'browser', ownerMember, browserMember);
        const sessionP50s = (sessions: number[][]) => sessions.map((latencies) => percentile(latencies, 50)).join(' / ');
        Object.assign(browserFigure, {
          browser_one_way_p50_ms: percentile(oneWay.gated.flat(), 50),
          browser_one_way_p95_ms: percentile(oneWay.gated.flat(), 95),
          browser_one_way_clicks: oneWay.gated.flat().length,
          browser_one_way_session_p50_ms: sessionP50s(oneWay.gated),
          browser_cpu_busy_pct: oneWay.busy ?? 'n/a',
          browser_one_way_gate_open_p50_ms: percentile(oneWay.open.flat(), 50),
          browser_one_way_gate_open_p95_ms: percentile(oneWay.open.flat(), 95),
          browser_one_way_gate_open_session_p50_ms: sessionP50s(oneWay.open),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`browser figure failed: ${message}`);
        browserFigure.browser_one_way_error = message;
      }
    }
    console.log(
      JSON.stringify({
        ...botFigures,
        ...(BROWSER_ONLY ? {} : { joiner_process_crashes: joinerCrashes }),
        ...browserFigure,
        opus: 'bots: DTX on, RED off; web client: DTX on, RED on; both: Opus in-band FEC as negotiated, 20 ms frames',
      }),
    );
  } finally {
    await dispose().catch(() => undefined);
    await bench.close();
  }
}

const role = process.argv.includes('--crowd')
  ? crowdChild
  : process.argv.includes('--clicker')
    ? clickerChild
    : process.argv.includes('--joiner')
      ? joinerChild
      : main;
role().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
