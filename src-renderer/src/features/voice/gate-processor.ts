import type { AudioProcessorOptions, Track, TrackProcessor } from 'livekit-client';
import { createVadGate, rmsDb, type VadGateOptions } from './vad-gate';

export type GateMode = { kind: 'vad'; vad: VadGateOptions } | { kind: 'ptt'; held: boolean; releaseMs: number };

/**
 * Microphone gate as a LiveKit track processor: mic → gain → published track, with the gain opened by voice activity
 * or push-to-talk. Gating in the audio graph (instead of muting the track) means no mute/unmute signalling per word,
 * so others don't see a mute icon flicker, and the first syllable isn't lost to a renegotiation.
 *
 * The decision runs on a 20 ms timer: Chrome does not throttle timers of pages that are playing audio, which a page in
 * a call always is.
 */
export class GateProcessor implements TrackProcessor<Track.Kind.Audio, AudioProcessorOptions> {
  readonly name = 'parley-gate';
  processedTrack?: MediaStreamTrack;
  private ctx: AudioContext | null = null;
  private nodes: {
    source: MediaStreamAudioSourceNode;
    gain: GainNode;
    analyser: AnalyserNode;
    dest: MediaStreamAudioDestinationNode;
  } | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private gate = createVadGate();
  private mode: GateMode = { kind: 'vad', vad: { thresholdDb: -50, hysteresisDb: 6, holdMs: 300 } };
  private pttReleaseAt = 0;
  private open = false;

  constructor(private readonly onChange: (state: { open: boolean; levelDb: number }) => void) {}

  setMode(mode: GateMode) {
    if (mode.kind === 'vad') this.gate.configure(mode.vad);
    if (this.mode.kind === 'ptt' && mode.kind === 'ptt' && this.mode.held && !mode.held) {
      this.pttReleaseAt = performance.now() + mode.releaseMs;
    }
    this.mode = mode;
  }

  async init(opts: AudioProcessorOptions): Promise<void> {
    const ctx = opts.audioContext;
    this.ctx = ctx;
    const source = ctx.createMediaStreamSource(new MediaStream([opts.track]));
    const gain = ctx.createGain();
    gain.gain.value = 0;
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    const dest = ctx.createMediaStreamDestination();
    source.connect(analyser);
    source.connect(gain).connect(dest);
    this.nodes = { source, gain, analyser, dest };
    this.processedTrack = dest.stream.getAudioTracks()[0];
    const buf = new Float32Array(analyser.fftSize);
    let lastReport = 0;
    this.timer = setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      const level = rmsDb(buf);
      const now = performance.now();
      const open = this.decide(level, now);
      if (open !== this.open) {
        this.open = open;
        gain.gain.setTargetAtTime(open ? 1 : 0, ctx.currentTime, open ? 0.005 : 0.03);
        this.onChange({ open, levelDb: level });
      } else if (now - lastReport > 100) {
        lastReport = now;
        this.onChange({ open, levelDb: level });
      }
    }, 20);
  }

  private decide(levelDb: number, now: number): boolean {
    if (this.mode.kind === 'ptt') return this.mode.held || now < this.pttReleaseAt;
    return this.gate.update(levelDb, now);
  }

  async restart(opts: AudioProcessorOptions): Promise<void> {
    await this.destroy();
    await this.init(opts);
  }

  async destroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.nodes) {
      this.nodes.source.disconnect();
      this.nodes.gain.disconnect();
      this.nodes.analyser.disconnect();
    }
    this.nodes = null;
    this.processedTrack = undefined;
    this.ctx = null;
    this.open = false;
  }
}
