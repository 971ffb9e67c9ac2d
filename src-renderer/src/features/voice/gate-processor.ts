import type { AudioProcessorOptions, Track, TrackProcessor } from 'livekit-client';
import { GATE_PROCESSOR, type GateMode, type GateReport } from './gate-core';
import gateWorkletUrl from './gate.worklet.ts?worker&url';

export type { GateMode } from './gate-core';

/** addModule once per audio context (livekit-client shares one context between tracks). */
const loaded = new WeakMap<BaseAudioContext, Promise<void>>();
function loadWorklet(ctx: BaseAudioContext): Promise<void> {
  let loading = loaded.get(ctx);
  if (!loading) {
    loading = ctx.audioWorklet.addModule(gateWorkletUrl);
    // A failed load may be retried with the next track.
    loading.catch(() => loaded.delete(ctx));
    loaded.set(ctx, loading);
  }
  return loading;
}

/**
 * Microphone gate as a LiveKit track processor: mic → gate → published track, the gate opened by voice activity or
 * push-to-talk. Gating in the audio graph (instead of muting the track) means no mute/unmute signalling per word,
 * so others don't see a mute icon flicker, and the first syllable isn't lost to a renegotiation.
 *
 * The gate is an AudioWorklet (gate.worklet.ts running GateCore): it measures and decides on every 2.7 ms render
 * quantum in the audio thread, so a word's onset opens it within a quantum, whatever the page's main thread is doing
 * (a timer on the main thread added up to its period, and more while React rendered). The page only sends mode
 * changes and receives open/closed and the level for the meter.
 */
export class GateProcessor implements TrackProcessor<Track.Kind.Audio, AudioProcessorOptions> {
  readonly name = 'parley-gate';
  processedTrack?: MediaStreamTrack;
  private nodes: { source: MediaStreamAudioSourceNode; gate: AudioWorkletNode; dest: MediaStreamAudioDestinationNode } | null = null;
  private mode: GateMode = { kind: 'vad', vad: { thresholdDb: -50, hysteresisDb: 6, holdMs: 300 } };

  constructor(private readonly onChange: (state: GateReport) => void) {}

  setMode(mode: GateMode) {
    this.mode = mode;
    this.nodes?.gate.port.postMessage({ mode });
  }

  async init(opts: AudioProcessorOptions): Promise<void> {
    const ctx = opts.audioContext;
    await loadWorklet(ctx);
    const source = ctx.createMediaStreamSource(new MediaStream([opts.track]));
    const gate = new AudioWorkletNode(ctx, GATE_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 1 });
    gate.port.onmessage = (event: MessageEvent<GateReport>) => this.onChange(event.data);
    gate.port.postMessage({ mode: this.mode });
    const dest = ctx.createMediaStreamDestination();
    source.connect(gate).connect(dest);
    this.nodes = { source, gate, dest };
    this.processedTrack = dest.stream.getAudioTracks()[0];
  }

  async restart(opts: AudioProcessorOptions): Promise<void> {
    await this.destroy();
    await this.init(opts);
  }

  async destroy(): Promise<void> {
    if (this.nodes) {
      this.nodes.source.disconnect();
      this.nodes.gate.disconnect();
      this.nodes.gate.port.onmessage = null;
      this.nodes.gate.port.close();
    }
    this.nodes = null;
    this.processedTrack = undefined;
  }
}
