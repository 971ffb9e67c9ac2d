import type { TrackPublishOptions } from 'livekit-client';

/** A voice channel's bitrate when it has none: the server's DEFAULT_BITRATE (not imported: channels.ts builds zod schemas). */
const DEFAULT_BITRATE = 64_000;

/**
 * How the microphone is published in a voice channel: the channel's bitrate caps the Opus encoder (LiveKit turns
 * `audioPreset.maxBitrate` into the RTP sender's encoding limit), DTX saves bandwidth in silence and RED protects
 * speech against packet loss. Opus frames stay at WebRTC's default 20 ms (no ptime is set). bench/media.ts measures
 * this configuration in its browser_one_way_* figures; its bots publish without RED (see its header).
 * bench/audio-loss.ts weighs RED under packet loss: with 10 % of the packets to a listener lost, Opus's in-band FEC
 * recovers none (the speaker never hears of that loss: 8.6-10 % of the audio concealed), while this client's RED leaves
 * 1.6 % concealed (README, Benchmarks).
 */
export function micPublishOptions(bitrate: number | null | undefined): TrackPublishOptions {
  return { audioPreset: { maxBitrate: bitrate && bitrate > 0 ? bitrate : DEFAULT_BITRATE }, dtx: true, red: true };
}

/** The sender encodings with a new bitrate cap, for a channel whose bitrate changes while we are in it. */
export function withMaxBitrate(params: RTCRtpSendParameters, maxBitrate: number): RTCRtpSendParameters {
  const encodings = params.encodings.length > 0 ? params.encodings : [{}];
  return { ...params, encodings: encodings.map((e) => ({ ...e, maxBitrate })) };
}
