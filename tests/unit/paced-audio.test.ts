import type { AudioFrame, AudioSource } from '@livekit/rtc-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FRAME_SAMPLES, startPacedAudio, startPacedAudioGroup } from '../integration/paced-audio';

/** An AudioSource stand-in that records the frames captured into it. */
function recordingSource(): { source: AudioSource; frames: AudioFrame[] } {
  const frames: AudioFrame[] = [];
  const source = {
    captureFrame: async (frame: AudioFrame) => {
      frames.push(frame);
    },
  } as unknown as AudioSource;
  return { source, frames };
}

describe('startPacedAudio', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when time passes, then it captures one 10 ms frame per 10 ms, in order, never ahead of time', async () => {
    const { source, frames } = recordingSource();
    const sent: [number, number][] = [];
    const stop = startPacedAudio(
      source,
      (data, index) => data.fill(index),
      (index, at) => sent.push([index, at]),
    );
    expect(frames).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(995);
    // Frames 0…99 are due by 995 ms (frame k is due at k × 10 ms).
    expect(frames).toHaveLength(100);
    expect(frames.every((f, i) => f.samplesPerChannel === FRAME_SAMPLES && f.data[0] === i)).toBe(true);
    const gaps = sent.slice(1).map(([, at], i) => at - sent[i]![1]);
    expect(gaps.every((gap) => gap >= 9 && gap <= 11)).toBe(true);
    stop();
    await vi.advanceTimersByTimeAsync(100);
    expect(frames).toHaveLength(100);
  });

  it('when several sources share one pacer, then each gets its own frames in order on the same ticks', async () => {
    const a = recordingSource();
    const b = recordingSource();
    const sent: string[] = [];
    const stop = startPacedAudioGroup([
      { source: a.source, fill: (data, index) => data.fill(index), sent: (index) => sent.push(`a${index}`) },
      { source: b.source, fill: (data, index) => data.fill(1000 + index), sent: (index) => sent.push(`b${index}`) },
    ]);
    await vi.advanceTimersByTimeAsync(495);
    expect(a.frames).toHaveLength(50);
    expect(b.frames).toHaveLength(50);
    expect(a.frames.every((f, i) => f.data[0] === i)).toBe(true);
    expect(b.frames.every((f, i) => f.data[0] === 1000 + i)).toBe(true);
    // Frame k goes to every source before frame k + 1 goes to any.
    expect(sent.slice(0, 4)).toEqual(['a0', 'b0', 'a1', 'b1']);
    stop();
    await vi.advanceTimersByTimeAsync(100);
    expect(a.frames).toHaveLength(50);
    expect(b.frames).toHaveLength(50);
  });
});
