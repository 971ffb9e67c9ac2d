/**
 * The microphone gate's AudioWorklet: runs GateCore on every render quantum in the audio thread. Loaded by
 * GateProcessor with `audioWorklet.addModule` (Vite bundles this file and its imports into one module).
 *
 * Messages: the page posts `{ mode }` (a GateMode); the processor posts `{ open, levelDb }` when the gate opens or
 * closes and every 100 ms for the level meter.
 */
import { GATE_PROCESSOR, GateCore, type GateMode } from './gate-core';

/** The AudioWorkletGlobalScope members used here (TypeScript's DOM library does not describe that scope). */
declare const sampleRate: number;
declare const currentTime: number;
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor();
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

class GateWorkletProcessor extends AudioWorkletProcessor {
  private readonly core = new GateCore(sampleRate);

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<{ mode: GateMode }>) => this.core.setMode(event.data.mode, currentTime * 1000);
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const report = this.core.process(inputs[0] ?? [], outputs[0] ?? [], currentTime * 1000);
    if (report) this.port.postMessage(report);
    // Keep running while the page holds the node, also through silence.
    return true;
  }
}

registerProcessor(GATE_PROCESSOR, GateWorkletProcessor);
