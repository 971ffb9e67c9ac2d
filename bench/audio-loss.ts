/**
 * Audio under packet loss (`npm run bench -- audio-loss`), one JSON object on stdout: what RED buys a listener when
 * packets are lost, and what it costs in delay. The web client publishes its microphone with RED (RFC 2198: each
 * packet also carries the previous Opus frames, so a lost packet's audio arrives in the next one; see
 * src-renderer/src/features/voice/publish-options.ts) and the media bench's bots without it (it added to their
 * loopback latency); loopback loses nothing, so the media bench cannot weigh that choice. This bench loses packets on
 * purpose.
 *
 * Method: a speaker A and a listening @livekit/rtc-node bot B in a voice channel, with tokens from the server's voice
 * join route. A speaks, looped: SPEECH_TEXT (gaming-call chatter) synthesized once by espeak-ng and resampled to
 * 48 kHz by sox into out/bench/. Speech, not a tone, because Opus's in-band FEC (LBRR) exists only in its speech modes
 * (SILK, hybrid): a steady tone is coded in its music mode (CELT), which has none, and FEC would then look useless
 * where it is not. A is either
 * - a bot: 10 ms frames paced by a timer into an AudioSource with no queue, as in the media bench; Opus with DTX on,
 *   20 ms frames, in-band FEC as LiveKit negotiates it, capped at BITRATE as the web client caps a channel's; RED on
 *   or off. The two differ in RED alone;
 * - or our web client in Chromium, its fake microphone playing the same speech: the page signs in and joins by
 *   clicking the channel, and publishes as the app does (its audio processing, Opus with DTX and RED), with its voice
 *   gate held open (the media bench's gate-open setting), since the closed gate's silence between sentences would
 *   count as concealment.
 * B subscribes and reads the audio. After SETTLE_MS, LOSS_PCT % of the UDP packets on the SFU's RTC port are dropped
 * at random for LOSS_S seconds (nftables, bench/lib/packet-loss.ts; the kernel here has no netem), in one direction:
 * - uplink: packets sent to the SFU (A's audio on its way in; also B's RTCP);
 * - downlink: packets sent by the SFU (A's audio on its way to B; also the SFU's RTCP to A).
 * B's inbound-rtp stats (libwebrtc, read through rtc-node's FFI: bench/lib/rtc-stats.ts) are read as the loss starts
 * and as it ends. A session is one such A and B (fresh connections) for one kind (direction × speaker); ROUNDS rounds
 * run each of the six kinds once, in reverse order every other round, so a drift over the run falls on every kind
 * alike.
 *
 * Figures, for each kind (`<kind>` = uplink_red, uplink_no_red, downlink_red, downlink_no_red for the bot speaker;
 * web_uplink, web_downlink for the web client), medians over its sessions:
 * - audio_loss_<kind>_concealed_pct: the share of the samples B played out that NetEq had to make up (a lost or late
 *   packet's audio, concealed by stretching what came before). What a listener hears as a glitch.
 * - audio_loss_<kind>_lost_pct: the share of A's packets that never reached B (sequence gaps: the loss as B saw it).
 * - audio_loss_<kind>_jitter_buffer_ms: B's mean jitter-buffer delay meanwhile: the delay the listener paid.
 * - audio_loss_<kind>_sessions_concealed_pct: each session's concealed share.
 * - audio_loss_cpu_busy_pct: how busy the cores were over the sessions; audio_loss_applied_pct and
 *   audio_loss_seconds_per_session: LOSS_PCT and LOSS_S; opus: the speakers' settings.
 * When loss cannot be applied here (not root, no nft, nftables refused) or there is no speech synthesizer
 * (espeak-ng, sox), audio_loss_skipped says why (for a missing tool, with the apt-get command) and nothing is
 * measured.
 *
 * Runs against the TEST profile stack (started here when needed, shared by lease) with the real server in-process and
 * Debian's Chromium. The loss applies to everything on this machine that uses that port, so run it alone.
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
import { ensureWebBuild, launchChromium, ROOT } from '../tests/e2e/web-stack';
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
/** Who speaks: a bot with RED on or off, or our web client (RED on, as it publishes; see the header). */
interface Kind {
  direction: LossDirection;
  speaker: 'bot' | 'web';
  red: boolean;
}
const KINDS: readonly Kind[] = [
  { direction: 'uplink', speaker: 'bot', red: true },
  { direction: 'uplink', speaker: 'bot', red: false },
  { direction: 'uplink', speaker: 'web', red: true },
  { direction: 'downlink', speaker: 'web', red: true },
  { direction: 'downlink', speaker: 'bot', red: false },
  { direction: 'downlink', speaker: 'bot', red: true },
];

const SPEECH_TEXT =
  'Hello everyone, can you hear me? I think the raid starts in five minutes, so grab your gear and meet me at the ' +
  'north gate. Watch out for the boss on the left side, he hits really hard. Okay, ready? Let us go. Heal me please, ' +
  'I am low. Nice work, that was close. Anyone want to queue again after this one?';
const SPEECH_WAV = resolve(ROOT, 'out/bench/audio-loss-speech.wav');

const log = (...args: unknown[]) => console.error('[bench:audio-loss]', ...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kindName = (kind: Kind) => (kind.speaker === 'web' ? `web_${kind.direction}` : `${kind.direction}_${kind.red ? 'red' : 'no_red'}`);

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

/**
 * Resolves with the first audio track `room` subscribes to, within 30 s. The caller may fail before it awaits the
 * promise: a rejection it never awaits is not left unhandled.
 */
function firstAudioTrack(room: Room): Promise<RemoteTrack> {
  const track = new Promise<RemoteTrack>((resolveTrack, reject) => {
    const timer = setTimeout(() => reject(new Error('no audio track within 30 s')), 30_000);
    room.on(RoomEvent.TrackSubscribed, (subscribed) => {
      if (subscribed.kind !== TrackKind.KIND_AUDIO) return;
      clearTimeout(timer);
      resolveTrack(subscribed);
    });
  });
  track.catch(() => undefined);
  return track;
}

/**
 * Waits (up to 15 s) until `room` is alone in its channel: the previous session's speaker can stay a moment after it
 * left (a page's participant outlives its closed context until LiveKit notices), and its audio must not be taken for
 * this session's.
 */
async function aloneInChannel(room: Room): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (room.remoteParticipants.size === 0) return;
    await sleep(100);
  }
  const left = [...room.remoteParticipants.values()].map((p) => p.identity).join(', ');
  throw new Error(`the previous session's participants (${left}) were still in the channel after 15 s`);
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

/**
 * B's reception of `heard` over LOSS_S seconds of loss in `direction`, after SETTLE_MS without: the counters read as
 * the loss starts and as it ends.
 */
async function underLoss(heard: RemoteTrack, port: number, direction: LossDirection): Promise<Session> {
  await sleep(SETTLE_MS);
  const before = await inboundAudioCounters(heard);
  const stopLoss = applyLoss(port, direction, LOSS_PCT);
  try {
    await sleep(LOSS_S * 1_000);
  } finally {
    stopLoss();
  }
  const after = await inboundAudioCounters(heard);
  const reception = receptionBetween(before, after);
  const jitterBuffer = jitterBufferBetween(before, after);
  if (!reception || !jitterBuffer) throw new Error("B's inbound-rtp stats could not be read (rtc-node's FFI changed?)");
  return { ...reception, jitterBufferMs: jitterBuffer.delayMs };
}

/** What a session needs: the API, the channel, its members and the page's browser. */
interface Setup {
  call: ApiCall;
  channelId: string;
  channelName: string;
  port: number;
  speech: Int16Array;
  /** The bot speaker's and the listener's access tokens. */
  tokens: [string, string];
  /** The web speaker's username (it signs in through the login form). */
  webUsername: string;
  browser: Awaited<ReturnType<typeof launchChromium>>;
  appUrl: string;
}

/** Connects B, the listener, to the channel, subscribing to everyone. */
async function connectListener(setup: Setup, b: Room): Promise<void> {
  const join = await setup.call<JoinReply>('POST', `/channels/${setup.channelId}/voice/join`, {}, setup.tokens[1]);
  await b.connect(join.url, join.token, { autoSubscribe: true, dynacast: false });
}

/** One session of `kind`: a fresh speaker and listener. */
async function session(setup: Setup, kind: Kind): Promise<Session> {
  const b = new Room();
  const stops: (() => void)[] = [];
  const a = kind.speaker === 'bot' ? new Room() : null;
  const context = kind.speaker === 'web' ? await setup.browser.newContext() : null;
  try {
    // B joins first and waits to be alone; then the one audio track it is sent is this session's speaker's.
    await connectListener(setup, b);
    await aloneInChannel(b);
    const track = firstAudioTrack(b);
    // The page leaves the channel as a user would (so its participant goes sooner).
    let leave = async () => undefined as unknown;
    if (a) {
      const joinA = await setup.call<JoinReply>('POST', `/channels/${setup.channelId}/voice/join`, {}, setup.tokens[0]);
      await a.connect(joinA.url, joinA.token, { autoSubscribe: false, dynacast: false });
      const source = unqueuedSource();
      const options = new TrackPublishOptions({
        source: TrackSource.SOURCE_MICROPHONE,
        audioEncoding: { maxBitrate: BigInt(BITRATE) },
        dtx: true,
        red: kind.red,
      });
      await a.localParticipant!.publishTrack(LocalAudioTrack.createAudioTrack('mic', source), options);
      const speech = setup.speech;
      stops.push(
        startPacedAudio(source, (data, index) => {
          for (let i = 0; i < data.length; i++) data[i] = speech[(index * data.length + i) % speech.length]!;
        }),
      );
    } else {
      // The page speaks through the app's whole chain with its voice gate held open (the media bench's gate-open
      // setting): the gate would otherwise close between sentences and its silence would count as concealment.
      await context!.addInitScript(`localStorage.setItem('parley:settings', JSON.stringify({ vadThresholdDb: -100 }))`);
      const page = await context!.newPage();
      await page.goto(setup.appUrl);
      await page.getByLabel('Username').fill(setup.webUsername);
      await page.getByLabel('Password').fill('bench password 1');
      await page.getByRole('button', { name: 'Log In' }).click();
      await page.locator(`button[aria-label^="${setup.channelName} (voice channel)"]`).click();
      leave = () => page.getByRole('button', { name: 'Disconnect from voice' }).click();
    }
    const heard = await track;
    stops.push(listen(heard));
    const result = await underLoss(heard, setup.port, kind.direction);
    await leave();
    return result;
  } finally {
    for (const stop of stops.reverse()) stop();
    await context?.close().catch(() => undefined);
    await b.disconnect().catch(() => undefined);
    await a?.disconnect().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const unavailable = lossUnavailable() ?? speechUnavailable();
  if (unavailable) {
    log(`skipped: ${unavailable}`);
    console.log(JSON.stringify({ audio_loss_skipped: unavailable }));
    return;
  }
  // The rules must not outlive the bench, however it ends: Ctrl-C (bench/run.ts passes it on), kill, a hang-up, a crash.
  process.on('exit', clearLoss);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => process.exit(code));
  }
  const speech = speechSamples();
  ensureWebBuild();
  const bench = await startBenchServer('audio-loss');
  let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
  try {
    browser = await launchChromium([`--use-file-for-fake-audio-capture=${SPEECH_WAV}`]);
    const call = apiCaller(bench.base);
    const port = createContext('test').ports.livekitRtcUdp.port;
    const register = async (username: string) =>
      call<{ user: { id: string }; accessToken: string }>('POST', '/auth/register', { username, password: 'bench password 1' });
    const owner = await register('loss_owner');
    const guild = await call<{ id: string }>('POST', '/guilds', { name: 'Loss Bench' }, owner.accessToken);
    const channel = await call<{ id: string }>('POST', `/guilds/${guild.id}/channels`, { type: 'voice', name: 'loss' }, owner.accessToken);
    const invite = await call<{ code: string }>('POST', `/guilds/${guild.id}/invites`, {}, owner.accessToken);
    const members: { user: { id: string }; accessToken: string }[] = [];
    for (const name of ['loss_a', 'loss_b', 'loss_web']) {
      const member = await register(name);
      await call('POST', `/invites/${invite.code}`, {}, member.accessToken);
      members.push(member);
    }
    const setup: Setup = {
      call,
      channelId: channel.id,
      channelName: 'loss',
      port,
      speech,
      tokens: [members[0]!.accessToken, members[1]!.accessToken],
      webUsername: 'loss_web',
      browser,
      appUrl: `${bench.server.url}/app/`,
    };

    const results = new Map<string, Session[]>(KINDS.map((kind) => [kindName(kind), []]));
    const busy = busyMeter();
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
        const result = await session(setup, kind);
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
    figures.opus = `speech; bots: ${BITRATE / 1000} kbps cap, DTX on, 20 ms frames, in-band FEC as negotiated, RED on or off as named; web: as the app publishes (RED on)`;
    console.log(JSON.stringify(figures));
  } finally {
    clearLoss();
    await browser?.close().catch(() => undefined);
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
