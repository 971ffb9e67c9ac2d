import { describe, expect, it } from 'vitest';
import { createVoiceStore, micAllowed, parseRecordingMetadata, playbackAllowed } from './voice.store';

describe('voice store', () => {
  it('when deafening, then the mic is muted too, and undeafening restores the previous mute state', () => {
    const s = createVoiceStore();
    s.getState().toggleDeafen();
    expect(s.getState()).toMatchObject({ selfDeaf: true, selfMute: true });
    expect(micAllowed(s.getState())).toBe(false);
    expect(playbackAllowed(s.getState())).toBe(false);
    s.getState().toggleDeafen();
    expect(s.getState()).toMatchObject({ selfDeaf: false, selfMute: false });

    s.getState().toggleMute();
    s.getState().toggleDeafen();
    s.getState().toggleDeafen();
    expect(s.getState().selfMute).toBe(true);
  });

  it('when unmuting while deafened, then both are lifted', () => {
    const s = createVoiceStore();
    s.getState().toggleDeafen();
    s.getState().toggleMute();
    expect(s.getState()).toMatchObject({ selfDeaf: false, selfMute: false });
  });

  it('when server-muted, then the mic is not allowed whatever the self state', () => {
    const s = createVoiceStore();
    s.getState().setServerFlags({ serverMute: true });
    expect(micAllowed(s.getState())).toBe(false);
    s.getState().setServerFlags({ serverMute: false, serverDeaf: true });
    expect(micAllowed(s.getState())).toBe(false);
    expect(playbackAllowed(s.getState())).toBe(false);
  });

  it('when joining the channel already targeted, then nothing changes; after a failure the same click retries', () => {
    const s = createVoiceStore();
    s.getState().join('c1', 'g1');
    const first = s.getState().target;
    s.getState().join('c1', 'g1');
    expect(s.getState().target).toBe(first);
    s.getState().setConnection('failed', 'gave up');
    s.getState().join('c1', 'g1');
    expect(s.getState().target).not.toBe(first);
    expect(s.getState().error).toBeNull();
  });

  it('when the connection goes idle, then call state (participants, recording, stats) is cleared', () => {
    const s = createVoiceStore();
    s.getState().setParticipants([{ identity: 'u', name: 'U', isLocal: false, speaking: true, muted: false }]);
    s.getState().setStats({ pingMs: 20, quality: 'good' });
    s.getState().setConnection('idle');
    expect(s.getState()).toMatchObject({ participants: {}, pingMs: null, quality: 'unknown', recording: null });
  });
});

describe('recording metadata', () => {
  it('when metadata says recording is active, then the banner info is parsed; null, inactive or garbage → no banner', () => {
    const meta = JSON.stringify({
      recording: { active: true, recordingId: 'r1', startedBy: { id: 'u1', displayName: 'Ann' }, startedAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(parseRecordingMetadata(meta)).toEqual({
      recordingId: 'r1',
      startedBy: { id: 'u1', displayName: 'Ann' },
      startedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(parseRecordingMetadata(JSON.stringify({ recording: null }))).toBeNull();
    expect(parseRecordingMetadata(JSON.stringify({ recording: { active: false } }))).toBeNull();
    expect(parseRecordingMetadata('not json')).toBeNull();
    expect(parseRecordingMetadata(undefined)).toBeNull();
  });

  it('when a moderator moves us, then the target carries the server token, and a later join of that channel asks again', () => {
    const s = createVoiceStore();
    s.getState().join('a'.repeat(24), 'g'.repeat(24));
    const grant = { url: 'ws://lk', token: 'move-token' };
    s.getState().moveTo({ channelId: 'b'.repeat(24), guildId: 'g'.repeat(24), grant });
    expect(s.getState().target).toEqual({ channelId: 'b'.repeat(24), guildId: 'g'.repeat(24), grant });
    s.getState().setConnection('failed', 'lost');
    s.getState().join('b'.repeat(24), 'g'.repeat(24));
    expect(s.getState().target).toEqual({ channelId: 'b'.repeat(24), guildId: 'g'.repeat(24) });
  });
});
