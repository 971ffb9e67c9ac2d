import { describe, expect, it } from 'vitest';
import { micPublishOptions, withMaxBitrate } from './publish-options';

describe('microphone publish options', () => {
  it('when a voice channel has a bitrate, then the Opus encoder is capped at it', () => {
    expect(micPublishOptions(96_000).audioPreset).toEqual({ maxBitrate: 96_000 });
  });

  it('when the channel has no bitrate (or 0), then the default 64 kbps applies', () => {
    expect(micPublishOptions(null).audioPreset?.maxBitrate).toBe(64_000);
    expect(micPublishOptions(0).audioPreset?.maxBitrate).toBe(64_000);
  });

  it('when the bitrate changes while connected, then every encoding of the sender gets the new cap', () => {
    const params = {
      transactionId: 't',
      encodings: [{ active: true, maxBitrate: 64_000 }],
      codecs: [],
      headerExtensions: [],
      rtcp: {},
    } as unknown as RTCRtpSendParameters;
    expect(withMaxBitrate(params, 32_000).encodings).toEqual([{ active: true, maxBitrate: 32_000 }]);
    const bare = { ...params, encodings: [] } as RTCRtpSendParameters;
    expect(withMaxBitrate(bare, 32_000).encodings).toEqual([{ maxBitrate: 32_000 }]);
  });
});
