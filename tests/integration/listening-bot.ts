/**
 * An rtc-node participant for tests that check who hears whom: it can publish a paced 440 Hz tone as its microphone,
 * and it subscribes to everyone and sums the loudness it receives from each participant.
 */
import {
  AudioStream,
  LocalAudioTrack,
  type AudioSource,
  type RemoteTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { SAMPLE_RATE, startPacedAudio, toneFill, unqueuedSource } from './paced-audio';

/** Received frames before this many are skipped: the jitter buffer starts with a few frames of silence. */
const SETTLING_FRAMES = 30;

export class ListeningBot {
  readonly room = new Room();
  private source: AudioSource | null = null;
  private stopTone: (() => void) | null = null;
  /** Per participant identity: frames received, and the sum of squares and count of the samples after settling. */
  readonly heard = new Map<string, { frames: number; sumSquares: number; samples: number }>();

  constructor() {
    this.room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, participant) => {
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      const stats = { frames: 0, sumSquares: 0, samples: 0 };
      this.heard.set(participant.identity, stats);
      void (async () => {
        const reader = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 }).getReader();
        for (;;) {
          const { done, value: frame } = await reader.read();
          if (done) break;
          stats.frames += 1;
          if (stats.frames <= SETTLING_FRAMES) continue;
          for (const v of frame.data) {
            stats.sumSquares += v * v;
            stats.samples += 1;
          }
        }
      })();
    });
  }

  /** Joins with a LiveKit URL and token (a voice join or a call connection answer), subscribing to everyone. */
  async connect(join: { url: string; token: string }): Promise<void> {
    await this.room.connect(join.url, join.token, { autoSubscribe: true, dynacast: false });
  }

  /** Publishes a 440 Hz tone at half scale as the microphone, paced in real time (see paced-audio.ts). */
  async publishTone(): Promise<void> {
    const source = unqueuedSource();
    this.source = source;
    const participant = this.room.localParticipant;
    if (!participant) throw new Error('not connected');
    await participant.publishTrack(
      LocalAudioTrack.createAudioTrack('mic', source),
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    this.stopTone = startPacedAudio(source, toneFill(440, 0.5));
  }

  /** Samples heard from `identity` after settling. */
  samplesFrom(identity: string): number {
    return this.heard.get(identity)?.samples ?? 0;
  }

  /** RMS of what was heard from `identity` after settling (0 when nothing). */
  rms(identity: string): number {
    const s = this.heard.get(identity);
    return s && s.samples > 0 ? Math.sqrt(s.sumSquares / s.samples) : 0;
  }

  async close(): Promise<void> {
    this.stopTone?.();
    this.stopTone = null;
    await this.room.disconnect().catch(() => undefined);
    await this.source?.close().catch(() => undefined);
  }
}
