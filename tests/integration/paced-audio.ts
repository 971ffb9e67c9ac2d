/**
 * Real-time audio for rtc-node bots (voice tests and the benchmarks).
 *
 * rtc-node's `AudioSource` buffers 1,000 ms by default, and `captureFrame` resolves as soon as a frame fits in that
 * buffer: a bot that pushes frames in a loop fills the buffer and from then on its audio leaves about a second late.
 * Here the source has no queue (`queueSize` 0: a frame goes to WebRTC when it is captured) and frames are paced by a
 * timer at their real duration (10 ms), so a frame's capture time is its send time.
 */
import { AudioFrame, AudioSource } from '@livekit/rtc-node';

export const SAMPLE_RATE = 48_000;
/** 10 ms at 48 kHz: the frame size WebRTC's audio pipeline works in. */
export const FRAME_SAMPLES = SAMPLE_RATE / 100;
export const FRAME_MS = 10;
/** How many frames late the pacer may fall before it skips ahead. */
const MAX_BEHIND = 5;

/** A mono 48 kHz source with no queue: what `startPacedAudio` expects. */
export function unqueuedSource(): AudioSource {
  return new AudioSource(SAMPLE_RATE, 1, 0);
}

/** One paced source: `fill(data, index)` writes its frame number `index`; `sent(index, atMs)` hears of each hand-over. */
export interface PacedTrack {
  source: AudioSource;
  fill: (data: Int16Array, index: number) => void;
  sent?: (index: number, atMs: number) => void;
}

/**
 * Captures one 10 ms frame into `source` every 10 ms until the returned stop function is called. `fill(data, index)`
 * writes frame number `index` (0, 1, 2, …); `sent(index, atMs)` is told when that frame was handed to the source
 * (`performance.timeOrigin + performance.now()`, the machine's wall clock in ms). The schedule is kept against the
 * start time, not the previous tick, so timer lateness does not accumulate: a late tick sends the frames that are due
 * (up to MAX_BEHIND of them; beyond that the missed frames are dropped).
 */
export function startPacedAudio(
  source: AudioSource,
  fill: (data: Int16Array, index: number) => void,
  sent?: (index: number, atMs: number) => void,
): () => void {
  return startPacedAudioGroup([{ source, fill, sent }]);
}

/**
 * startPacedAudio for several sources on one timer: each tick hands every source its frame. A process running many
 * bots (the media bench's crowd) wakes 100 times a second instead of 100 times per bot.
 */
export function startPacedAudioGroup(tracks: readonly PacedTrack[]): () => void {
  const start = performance.now();
  let index = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = (): void => {
    if (stopped) return;
    const due = Math.floor((performance.now() - start) / FRAME_MS) + 1;
    // More than MAX_BEHIND frames late (a stalled event loop): drop what was missed, as a live microphone would,
    // rather than send a burst that makes every later tick later still.
    if (due - index > MAX_BEHIND) index = due - 1;
    while (index < due && !stopped) {
      for (const { source, fill, sent } of tracks) {
        const data = new Int16Array(FRAME_SAMPLES);
        fill(data, index);
        const at = performance.timeOrigin + performance.now();
        source.captureFrame(new AudioFrame(data, SAMPLE_RATE, 1, FRAME_SAMPLES)).catch(() => {
          stopped = true;
        });
        sent?.(index, at);
      }
      index += 1;
    }
    timer = setTimeout(tick, Math.max(0, start + index * FRAME_MS - performance.now()));
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** `fill` for a continuous sine tone (`amplitude` of full scale, 0…1). */
export function toneFill(hz = 440, amplitude = 0.25): (data: Int16Array, index: number) => void {
  return (data, index) => {
    for (let i = 0; i < data.length; i++) {
      const n = index * data.length + i;
      data[i] = Math.round(amplitude * 32_767 * Math.sin((2 * Math.PI * hz * n) / SAMPLE_RATE));
    }
  };
}
