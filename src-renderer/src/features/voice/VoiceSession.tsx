import {
  AudioTrack,
  RoomContext,
  useConnectionQualityIndicator,
  useConnectionState,
  useLocalParticipant,
  useParticipants,
  useRoomInfo,
  useTracks,
} from '@livekit/components-react';
import { ConnectionState, Track, type Room } from 'livekit-client';
import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useVoice, voiceStore } from '../../app/services';
import { usePushToTalk } from './usePushToTalk';
import { playCue } from './useSoundCues';
import { useTray } from './useTray';
import { useVoiceController } from './useVoiceController';
import { useVoiceDevices } from './useVoiceDevices';
import { useOutlets } from './video-outlets';
import { StreamStats, VideoControls, VideoStage } from './VideoStage';
import type { VoiceController } from './voice-controller';
import { parseRecordingMetadata, type Quality } from './voice.store';

/**
 * Loaded lazily (see VoiceHost): with useVoiceController, the only modules that import livekit-client and
 * @livekit/components-react. The call itself lives in the controller (voice-controller.ts); these hooks forward
 * push-to-talk, tray and device changes into it, and the components below mirror LiveKit's state for the UI.
 */
export default function VoiceSession() {
  const controller = useVoiceController();
  usePushToTalk(controller);
  useTray();
  useVoiceDevices(controller);
  // The controller holds a real livekit-client Room; it is typed by the slice it uses so its tests can fake it.
  const room = controller.room as Room;
  return (
    <RoomContext.Provider value={room}>
      <CallMirror />
      <CallAudio />
      <RecordingWatcher />
      <ConnectionStats />
      <VideoPortals controller={controller} />
    </RoomContext.Provider>
  );
}

/**
 * The video UI, portalled into the outlets the panels and views render (video-outlets.ts) while connected: the
 * stage only into the view of the room we are in.
 */
function VideoPortals({ controller }: { controller: VoiceController }) {
  const outlets = useOutlets();
  // Kept through a reconnect, so tiles and toggles do not flicker away while LiveKit resumes.
  const connected = useVoice((s) => s.connection === 'connected' || s.connection === 'reconnecting');
  const location = useVoice((s) => (s.current ? (s.current.callId ? `call:${s.current.callId}` : s.current.channelId) : null));
  if (!connected) return null;
  const { controls, stats, stage } = outlets;
  return (
    <>
      {controls &&
        createPortal(
          <VideoControls controller={controller} canVideo={controls.canVideo === true} canStream={controls.canStream === true} />,
          controls.el,
        )}
      {stats && createPortal(<StreamStats />, stats.el)}
      {stage && stage.location === location && createPortal(<VideoStage controller={controller} />, stage.el)}
    </>
  );
}

/**
 * Mirrors LiveKit participants (speaking, mute) into the voice store as plain data for the sidebar. Only while the room
 * is connected: the list held through a reconnect is the last one (a full reconnect unlists everyone and lists them
 * again), and a room that is connecting lists nobody, not the last room's local participant. Sound cues
 * (useSoundCues) read arrivals and departures from it.
 */
function CallMirror() {
  const participants = useParticipants();
  const state = useConnectionState();
  useEffect(() => {
    if (state !== ConnectionState.Connected) return;
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

/**
 * Remote audio elements: every microphone, and the audio of each screen share I watch (subscribed only then); per-user
 * and per-stream volume, local mutes and deafen are applied by the controller (setPlayback).
 */
function CallAudio() {
  const tracks = useTracks([Track.Source.Microphone, Track.Source.ScreenShareAudio], { onlySubscribed: false, updateOnlyOn: [] }).filter(
    (t) =>
      !t.participant.isLocal &&
      t.publication.kind === Track.Kind.Audio &&
      (t.source === Track.Source.Microphone || t.publication.isSubscribed),
  );
  return (
    <div hidden>
      {tracks.map((t) => {
        const id = t.participant.identity;
        return <AudioTrack key={`${id}:${t.publication.trackSid}`} trackRef={t} data-user-id={id} data-source={t.source} />;
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
    if (rec && !wasActive.current) playCue('recording');
    wasActive.current = rec !== null;
  }, [metadata]);
  useEffect(() => () => voiceStore.getState().setRecording(null), []);
  return null;
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
