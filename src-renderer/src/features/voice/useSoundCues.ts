import { useEffect } from 'react';
import { settingsStore, voiceStore } from '../../app/services';
import { devicesStore } from '../settings/useDeviceWatcher';
import { createCuePlayer, cuesBetween, type Cue, type CueSnapshot } from './sound-cues';
import type { VoiceLocation, VoiceState } from './voice.store';

/** One player for the app: its cues share one audio context, on the speaker the calls use. */
const player = createCuePlayer({ sinkId: () => devicesStore.getState().output.deviceId });

/**
 * Plays a cue unless the user turned sound cues off (Settings → Voice & Audio). A recording starting always sounds:
 * it is the notice that others may be recording you.
 */
export function playCue(cue: Cue): void {
  if (cue === 'recording' || settingsStore.getState().voiceSounds) player.play(cue);
}

const where = (l: VoiceLocation | null): string | null => (l ? (l.callId ? `call:${l.callId}` : l.channelId) : null);

function snapshot(s: VoiceState): CueSnapshot {
  const people = Object.values(s.participants);
  return {
    connection: s.connection,
    location: where(s.current),
    leaving: where(s.target) !== where(s.current),
    selfMute: s.selfMute,
    selfDeaf: s.selfDeaf,
    participants: people.map((p) => p.identity),
    self: people.find((p) => p.isLocal)?.identity ?? null,
  };
}

/**
 * The voice store's changes into sound cues (sound-cues.ts decides which). Mounted once with the shell, so leaving
 * voice (which unmounts the session) and muting outside voice still sound, as in Discord.
 *
 * @example
 * useSoundCues();
 */
export function useSoundCues(): void {
  useEffect(
    () =>
      voiceStore.subscribe((s, prev) => {
        for (const cue of cuesBetween(snapshot(prev), snapshot(s))) playCue(cue);
      }),
    [],
  );
}
