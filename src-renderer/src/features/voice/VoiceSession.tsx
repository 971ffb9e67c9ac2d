import { AudioTrack, RoomContext, useConnectionQualityIndicator, useLocalParticipant, useParticipants, useRoomInfo, useTracks } from '@livekit/components-react';
import { DisconnectReason, Room, RoomEvent, Track, type AudioCaptureOptions, type LocalAudioTrack, type TrackPublishOptions } from 'livekit-client';
import { useEffect, useRef, useState } from 'react';
import { api, guildsStore, settingsStore, useGuilds, useSettings, useVoice, voiceStore } from '../../app/services';
import { describeError } from '../../api/http-client';
import { platform } from '../../platform/platform';
import { devicesStore } from '../settings/useDeviceWatcher';
import { GateProcessor, type GateMode } from './gate-processor';
import { micPublishOptions, withMaxBitrate } from './publish-options';
import { micAllowed, parseRecordingMetadata, playbackAllowed, type Quality } from './voice.store';

/** Loaded lazily (see VoiceHost): the only module that imports livekit-client and @livekit/components-react. */
export default function VoiceSession() {
  const room = useVoiceRoom();
  return (
    <RoomContext.Provider value={room}>
      <CallMirror />
      <CallAudio />
      <RecordingWatcher />
      <ConnectionStats />
    </RoomContext.Provider>
  );
}

function captureOptions(): AudioCaptureOptions {
  const s = settingsStore.getState();
  const deviceId = devicesStore.getState().input.deviceId;
  return {
    deviceId: deviceId === 'default' ? undefined : { exact: deviceId },
    noiseSuppression: s.noiseSuppression,
    echoCancellation: s.echoCancellation,
    autoGainControl: s.autoGainControl,
  };
}

/** Publish options of the microphone in the channel we are joining or in (its bitrate reaches the Opus encoder). */
function publishOptions(): TrackPublishOptions {
  return micPublishOptions(channelBitrate(voiceStore.getState().current ?? voiceStore.getState().target));
}

function channelBitrate(t: { guildId: string; channelId: string } | null): number | null {
  if (!t) return null;
  return guildsStore.getState().channelsByGuild[t.guildId]?.find((c) => c.id === t.channelId)?.bitrate ?? null;
}

function gateMode(pttHeld: boolean): GateMode {
  const s = settingsStore.getState();
  if (s.inputMode === 'ptt') return { kind: 'ptt', held: pttHeld, releaseMs: platform().onPushToTalk ? 0 : s.pttReleaseMs };
  return { kind: 'vad', vad: { thresholdDb: s.vadThresholdDb, hysteresisDb: 6, holdMs: 300 } };
}

const GIVE_UP_MESSAGE = "Lost the voice connection and couldn't get it back. Check your network, then click the channel to rejoin.";

/**
 * Owns the LiveKit Room for the app's lifetime in voice: converges the room to the store's `target` channel (leaving
 * the old room before joining a new one), publishes the gated microphone, and applies mute / deafen / devices.
 * Room objects stay here and in LiveKit's context; the store only receives plain state.
 *
 * @example
 * const room = useVoiceRoom();
 * return <RoomContext.Provider value={room}>…</RoomContext.Provider>;
 */
export function useVoiceRoom(): Room {
  const [room] = useState(
    () =>
      new Room({
        // Web Audio playback lets per-user volume go above 100 %.
        webAudioMix: true,
        adaptiveStream: false,
        dynacast: false,
        disconnectOnPageLeave: true,
        audioCaptureDefaults: captureOptions(),
      }),
  );
  const target = useVoice((s) => s.target);
  const mic = useVoice((s) => micAllowed(s));
  const selfMute = useVoice((s) => s.selfMute);
  const selfDeaf = useVoice((s) => s.selfDeaf);
  const connection = useVoice((s) => s.connection);
  const transmitting = useVoice((s) => s.transmitting && s.connection === 'connected');
  const gate = useRef<GateProcessor | null>(null);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const leaving = useRef(false);
  const pttHeld = useRef(false);
  const inputMode = useSettings((s) => s.inputMode);
  const vadThresholdDb = useSettings((s) => s.vadThresholdDb);
  const pttKey = useSettings((s) => s.pttKey);

  // A moderator's server mute/deafen changes our LiveKit permissions; lifting it must republish the microphone.
  const [permissionsVersion, setPermissionsVersion] = useState(0);
  useEffect(() => {
    const bump = () => setPermissionsVersion((v) => v + 1);
    room.localParticipant.on('participantPermissionsChanged', bump);
    return () => {
      room.localParticipant.off('participantPermissionsChanged', bump);
    };
  }, [room]);

  // Connection lifecycle events → store.
  useEffect(() => {
    const v = () => voiceStore.getState();
    const onReconnecting = () => v().setConnection('reconnecting');
    const onReconnected = () => v().setConnection('connected');
    const onDisconnected = (reason?: DisconnectReason) => {
      if (leaving.current) return;
      // Not asked for: LiveKit gave up reconnecting, or the server removed us.
      const msg =
        reason === DisconnectReason.PARTICIPANT_REMOVED
          ? (v().removalReason ?? 'You were disconnected from voice by a moderator.')
          : reason === DisconnectReason.ROOM_DELETED
            ? 'This voice channel was closed.'
            : reason === DisconnectReason.DUPLICATE_IDENTITY
              ? 'You joined this voice channel from another device.'
              : GIVE_UP_MESSAGE;
      v().noteRemovalReason(null);
      v().setConnection('failed', msg);
      v().setParticipants([]);
    };
    room.on(RoomEvent.Reconnecting, onReconnecting).on(RoomEvent.Reconnected, onReconnected).on(RoomEvent.Disconnected, onDisconnected);
    return () => {
      room.off(RoomEvent.Reconnecting, onReconnecting).off(RoomEvent.Reconnected, onReconnected).off(RoomEvent.Disconnected, onDisconnected);
    };
  }, [room]);

  // Converge the room to the target channel. Steps are chained so a quick A → B → C switch runs in order.
  useEffect(() => {
    const run = async () => {
      const v = voiceStore.getState();
      const cur = v.current;
      if (cur && target && cur.channelId === target.channelId && v.connection !== 'failed') return;
      if (room.state !== 'disconnected' || cur) {
        leaving.current = true;
        await room.disconnect();
        leaving.current = false;
        v.setCurrent(null);
        v.setParticipants([]);
      }
      if (!target) {
        // Tell the server at once rather than waiting for LiveKit's participant_left webhook. Awaited: a join that
        // overtook this leave would be the session the server removes.
        if (cur) await api().voice.leave().catch(() => undefined);
        v.setConnection('idle');
        return;
      }
      v.setCurrent(target);
      v.setConnection('connecting');
      try {
        const { selfMute: m, selfDeaf: d } = voiceStore.getState();
        // A move carries its own token (and a seat the server reserved even in a full channel); it is good once.
        const join = target.grant ?? (await api().voice.join(target.channelId, { selfMute: m, selfDeaf: d }));
        if (voiceStore.getState().target?.channelId !== target.channelId) return;
        await room.connect(join.url, join.token, { autoSubscribe: true });
        voiceStore.getState().setConnection('connected');
        await publishMic();
      } catch (err) {
        leaving.current = true;
        await room.disconnect().catch(() => undefined);
        leaving.current = false;
        voiceStore.getState().setConnection('failed', `Couldn't join voice: ${describeError(err)}`);
      }
    };
    const publishMic = async () => {
      const s = voiceStore.getState();
      if (!room.localParticipant.permissions?.canPublish) return;
      gate.current ??= new GateProcessor(({ open }) => voiceStore.getState().setTransmitting(open));
      gate.current.setMode(gateMode(pttHeld.current));
      await room.localParticipant.setMicrophoneEnabled(true, captureOptions(), publishOptions());
      const track = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track as LocalAudioTrack | undefined;
      if (track) await track.setProcessor(gate.current);
      if (!micAllowed(s)) await room.localParticipant.setMicrophoneEnabled(false);
    };
    chain.current = chain.current.then(run, run);
  }, [target, room]);

  // Leave on unmount (sign-out, window close).
  useEffect(
    () => () => {
      leaving.current = true;
      void room.disconnect();
    },
    [room],
  );

  // Self / server mute → the published track; also report self state so others' sidebars show it.
  useEffect(() => {
    if (connection !== 'connected') return;
    chain.current = chain.current.then(async () => {
      if (room.state !== 'connected' || !room.localParticipant.permissions?.canPublish) return;
      const pub = room.localParticipant.getTrackPublication(Track.Source.Microphone);
      if (!pub && mic) {
        gate.current ??= new GateProcessor(({ open }) => voiceStore.getState().setTransmitting(open));
        gate.current.setMode(gateMode(pttHeld.current));
        await room.localParticipant.setMicrophoneEnabled(true, captureOptions(), publishOptions());
        const track = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track as LocalAudioTrack | undefined;
        if (track) await track.setProcessor(gate.current);
        return;
      }
      await room.localParticipant.setMicrophoneEnabled(mic).catch(() => undefined);
    });
  }, [mic, connection, room, permissionsVersion]);

  useEffect(() => {
    if (connection !== 'connected') return;
    void api().voice.reportSelfState({ selfMute, selfDeaf }).catch(() => undefined);
  }, [selfMute, selfDeaf, connection]);

  // A moderator changed the channel's bitrate while we are in it: re-cap the published track's encoder in place.
  const bitrate = useGuilds((s) => {
    const t = voiceStore.getState().current;
    return t ? (s.channelsByGuild[t.guildId]?.find((c) => c.id === t.channelId)?.bitrate ?? null) : null;
  });
  useEffect(() => {
    if (connection !== 'connected' || !bitrate) return;
    const sender = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track?.sender;
    if (!sender) return;
    void sender.setParameters(withMaxBitrate(sender.getParameters(), bitrate)).catch(() => undefined);
  }, [bitrate, connection, room]);

  // Desktop tray / hotkeys.
  useEffect(() => {
    const channelName = () => {
      const t = voiceStore.getState().current;
      return t ? (guildsStore.getState().channelsByGuild[t.guildId]?.find((c) => c.id === t.channelId)?.name ?? null) : null;
    };
    platform().reportVoiceState({ connected: connection === 'connected', muted: selfMute, deafened: selfDeaf, speaking: transmitting, channelName: channelName() });
  }, [connection, selfMute, selfDeaf, transmitting]);
  useEffect(
    () =>
      platform().onVoiceCommand((c) => {
        const v = voiceStore.getState();
        if (c === 'toggle-mute') v.toggleMute();
        else if (c === 'toggle-deafen') v.toggleDeafen();
        else v.leave();
      }),
    [],
  );

  // Input mode and push-to-talk: global on desktop (from the main process), focused-window keys on the web.
  useEffect(() => {
    gate.current?.setMode(gateMode(pttHeld.current));
    if (inputMode !== 'ptt') return;
    const setHeld = (held: boolean) => {
      if (pttHeld.current === held) return;
      pttHeld.current = held;
      gate.current?.setMode(gateMode(held));
    };
    const desktop = platform().onPushToTalk;
    if (desktop) return desktop(setHeld);
    const isKey = (e: KeyboardEvent) => e.code === pttKey;
    const down = (e: KeyboardEvent) => isKey(e) && setHeld(true);
    const up = (e: KeyboardEvent) => isKey(e) && setHeld(false);
    // Losing focus must not leave the mic open: the key-up would go to another window.
    const blur = () => setHeld(false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
      setHeld(false);
    };
  }, [inputMode, vadThresholdDb, pttKey]);

  // Device changes (pinned device left/returned, or a new pick) → switch the live devices.
  useEffect(
    () =>
      devicesStore.subscribe((s, prev) => {
        if (room.state !== 'connected') return;
        if (s.input.deviceId !== prev.input.deviceId) void room.switchActiveDevice('audioinput', s.input.deviceId).catch(() => undefined);
        if (s.output.deviceId !== prev.output.deviceId) void room.switchActiveDevice('audiooutput', s.output.deviceId).catch(() => undefined);
      }),
    [room],
  );

  // Capture processing toggles apply to the live track.
  useEffect(
    () =>
      settingsStore.subscribe((s, prev) => {
        if (s.noiseSuppression === prev.noiseSuppression && s.echoCancellation === prev.echoCancellation && s.autoGainControl === prev.autoGainControl) return;
        const track = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track as LocalAudioTrack | undefined;
        void track?.restartTrack(captureOptions()).catch(() => undefined);
      }),
    [room],
  );

  return room;
}

/** Mirrors LiveKit participants (speaking, mute) into the voice store as plain data for the sidebar. */
function CallMirror() {
  const participants = useParticipants();
  useEffect(() => {
    voiceStore.getState().setParticipants(
      participants.map((p) => ({
        identity: p.identity,
        name: p.name || p.identity,
        isLocal: p.isLocal,
        speaking: p.isSpeaking,
        muted: !p.isMicrophoneEnabled,
      })),
    );
  });
  return null;
}

/** Remote audio: per-user volume (0–200 %) and local mute from settings; deafen stops the SFU forwarding to us. */
function CallAudio() {
  const tracks = useTracks([Track.Source.Microphone], { onlySubscribed: false, updateOnlyOn: [] }).filter(
    (t) => !t.participant.isLocal && t.publication.kind === Track.Kind.Audio,
  );
  const volumes = useSettings((s) => s.userVolumes);
  const localMutes = useSettings((s) => s.localMutes);
  const hear = useVoice((s) => playbackAllowed(s));
  return (
    <div hidden>
      {tracks.map((t) => {
        const id = t.participant.identity;
        return (
          <AudioTrack
            key={`${id}:${t.publication.trackSid}`}
            trackRef={t}
            volume={volumes[id] ?? 1}
            muted={!hear || localMutes[id] === true}
            data-user-id={id}
          />
        );
      })}
    </div>
  );
}

/** Room metadata `{"recording": {...} | null}` from the egress service → REC banner, with a cue when it starts. */
function RecordingWatcher() {
  const { metadata } = useRoomInfo();
  const wasActive = useRef(false);
  useEffect(() => {
    const rec = parseRecordingMetadata(metadata);
    voiceStore.getState().setRecording(rec);
    if (rec && !wasActive.current) playRecordingCue();
    wasActive.current = rec !== null;
  }, [metadata]);
  useEffect(() => () => voiceStore.getState().setRecording(null), []);
  return null;
}

function playRecordingCue() {
  try {
    const ctx = new AudioContext();
    const t0 = ctx.currentTime;
    for (const [i, freq] of [660, 880].entries()) {
      const osc = ctx.createOscillator();
      const g = ctx.createGain();
      osc.frequency.value = freq;
      g.gain.setValueAtTime(0, t0 + i * 0.18);
      g.gain.linearRampToValueAtTime(0.15, t0 + i * 0.18 + 0.02);
      g.gain.linearRampToValueAtTime(0, t0 + i * 0.18 + 0.16);
      osc.connect(g).connect(ctx.destination);
      osc.start(t0 + i * 0.18);
      osc.stop(t0 + i * 0.18 + 0.17);
    }
    setTimeout(() => void ctx.close(), 800);
  } catch {
    // No audio output available: the banner still shows.
  }
}

/** Connection quality from LiveKit, ping from the ICE candidate pair of our media transport. */
function ConnectionStats() {
  const { localParticipant } = useLocalParticipant();
  const { quality } = useConnectionQualityIndicator({ participant: localParticipant });
  useEffect(() => {
    voiceStore.getState().setStats({ quality: quality as Quality });
  }, [quality]);
  useEffect(() => {
    const t = setInterval(() => {
      const track = localParticipant.getTrackPublication(Track.Source.Microphone)?.track;
      void track?.getRTCStatsReport().then((report) => {
        report?.forEach((s: { type?: string; state?: string; nominated?: boolean; currentRoundTripTime?: number }) => {
          if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated && typeof s.currentRoundTripTime === 'number') {
            voiceStore.getState().setStats({ pingMs: Math.round(s.currentRoundTripTime * 1000) });
          }
        });
      });
    }, 2000);
    return () => clearInterval(t);
  }, [localParticipant]);
  return null;
}

