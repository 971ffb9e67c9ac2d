import { useEffect, useRef, useState } from 'react';
import { createVadGate, rmsDb } from '../voice/vad-gate';
import { describeCaptureError } from './media-errors';

export interface InputLevel {
  levelDb: number;
  gateOpen: boolean;
  error: string | null;
}

/**
 * Live level of the chosen input (for the settings meter), with the VAD gate applied so the slider shows what would
 * be sent. With `loopback`, the gated microphone is played back: the mic test.
 */
export function useInputLevel(opts: {
  enabled: boolean;
  deviceId: string;
  thresholdDb: number;
  constraints: { noiseSuppression: boolean; echoCancellation: boolean; autoGainControl: boolean };
  loopback: boolean;
  outputDeviceId: string;
}): InputLevel {
  const [state, setState] = useState<InputLevel>({ levelDb: -100, gateOpen: false, error: null });
  // The running meter reads the slider through a ref, so moving it does not restart the microphone.
  const threshold = useRef(opts.thresholdDb);
  useEffect(() => {
    threshold.current = opts.thresholdDb;
  }, [opts.thresholdDb]);
  const { noiseSuppression, echoCancellation, autoGainControl } = opts.constraints;

  useEffect(() => {
    if (!opts.enabled) return;
    let stopped = false;
    let raf = 0;
    let stream: MediaStream | null = null;
    let ctx: AudioContext | null = null;
    const gate = createVadGate({ thresholdDb: threshold.current, hysteresisDb: 6, holdMs: 300 });
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: {
            deviceId: opts.deviceId === 'default' ? undefined : { exact: opts.deviceId },
            noiseSuppression,
            echoCancellation,
            autoGainControl,
          },
        });
        if (stopped) return stream.getTracks().forEach((t) => t.stop());
        ctx = new AudioContext();
        const src = ctx.createMediaStreamSource(stream);
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 1024;
        src.connect(analyser);
        const gain = ctx.createGain();
        gain.gain.value = 0;
        if (opts.loopback) {
          src.connect(gain).connect(ctx.destination);
          const sinkable = ctx as AudioContext & { setSinkId?: (id: string) => Promise<void> };
          if (opts.outputDeviceId !== 'default') void sinkable.setSinkId?.(opts.outputDeviceId).catch(() => undefined);
        }
        const buf = new Float32Array(analyser.fftSize);
        let last = 0;
        const tick = (t: number) => {
          analyser.getFloatTimeDomainData(buf);
          const level = rmsDb(buf);
          gate.configure({ thresholdDb: threshold.current });
          const open = gate.update(level, t);
          if (ctx) gain.gain.setTargetAtTime(open ? 1 : 0, ctx.currentTime, 0.01);
          if (t - last > 50) {
            last = t;
            setState({ levelDb: level, gateOpen: open, error: null });
          }
          raf = requestAnimationFrame(tick);
        };
        raf = requestAnimationFrame(tick);
      } catch (err) {
        setState({ levelDb: -100, gateOpen: false, error: describeCaptureError(err, 'microphone') });
      }
    })();
    return () => {
      stopped = true;
      cancelAnimationFrame(raf);
      stream?.getTracks().forEach((t) => t.stop());
      void ctx?.close();
    };
  }, [opts.enabled, opts.deviceId, opts.loopback, opts.outputDeviceId, noiseSuppression, echoCancellation, autoGainControl]);

  return state;
}
