import { Room } from 'livekit-client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import {
  api,
  authStore,
  callsStore,
  guildsStore,
  settingsStore,
  useGuilds,
  useSettings,
  voicePresenceStore,
  voiceStore,
} from '../../app/services';
import { describeError } from '../../api/http-client';
import { platform } from '../../platform/platform';
import { devicesStore, watchMicrophones } from '../settings/useDeviceWatcher';
import { describeCaptureError } from '../settings/media-errors';
import { GateProcessor, type GateMode } from './gate-processor';
import { micPublishOptions } from './publish-options';
import { cameraCaptureOptions, cameraDeviceId, cameraPublishOptions, screenShareOptions, VIDEO_ROOM_OPTIONS } from './video-options';
import { createVoiceController, type VoiceController, type VoiceControllerSnapshot } from './voice-controller';

function captureOptions() {
  const s = settingsStore.getState();
  const deviceId = devicesStore.getState().input.deviceId;
  return {
    deviceId: deviceId === 'default' ? undefined : { exact: deviceId },
    noiseSuppression: s.noiseSuppression,
    echoCancellation: s.echoCancellation,
    autoGainControl: s.autoGainControl,
  };
}

function channelBitrate(t: { guildId: string; channelId: string } | null): number | null {
  if (!t) return null;
  return guildsStore.getState().channelsByGuild[t.guildId]?.find((c) => c.id === t.channelId)?.bitrate ?? null;
}

function gateMode(pttHeld: boolean): GateMode {
  const s = settingsStore.getState();
  // Desktop push-to-talk applies its release delay in the main process already.
  if (s.inputMode === 'ptt') return { kind: 'ptt', held: pttHeld, releaseMs: platform().onPushToTalk ? 0 : s.pttReleaseMs };
  return { kind: 'vad', vad: { thresholdDb: s.vadThresholdDb, hysteresisDb: 6, holdMs: 300 } };
}

/** The camera of the settings' preference among those plugged in now (the browser's default when it is gone). */
async function cameraOptions() {
  const devices = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
  const cameras = devices.filter((d) => d.kind === 'videoinput');
  return { capture: cameraCaptureOptions(cameraDeviceId(settingsStore.getState().camera, cameras)), publish: cameraPublishOptions() };
}

function screenOptions() {
  const s = settingsStore.getState();
  return screenShareOptions(s.screenPreset, s.screenAudio);
}

function createAppVoiceController(): VoiceController {
  return createVoiceController({
    room: new Room({
      // Web Audio playback lets per-user volume go above 100 %.
      webAudioMix: true,
      ...VIDEO_ROOM_OPTIONS,
      disconnectOnPageLeave: true,
      audioCaptureDefaults: captureOptions(),
    }),
    store: voiceStore,
    api: {
      join: (channelId, flags) => api().voice.join(channelId, flags),
      leave: () => api().voice.leave(),
      reportSelfState: (flags) => api().voice.reportSelfState(flags),
      reportWatching: async (watching) => (await api().voice.reportSelfState({ watching })).watching,
      connectCall: async (callId) => {
        const c = await api().calls.connect(callId, callsStore.getState().sessionId ?? undefined);
        return { url: c.url, token: c.token };
      },
      leaveCall: (callId) => api().calls.leave(callId),
    },
    media: {
      captureOptions,
      publishOptions: (channel) => micPublishOptions(channelBitrate(channel)),
      gateMode,
      createGate: (onOpenChange) => new GateProcessor(({ open }) => onOpenChange(open)),
      cameraOptions,
      screenOptions,
      describeMicError: (err) => describeCaptureError(err, 'microphone'),
      watchMicrophones,
    },
    describeError,
  });
}

/**
 * The one hook that owns the voice call: creates the controller (and its LiveKit Room) once, starts it while mounted,
 * and keeps the channel's bitrate and the per-user volumes and local mutes applied. Put the returned room in LiveKit's
 * RoomContext; the other voice hooks take the controller.
 *
 * @example
 * const controller = useVoiceController();
 * usePushToTalk(controller);
 * return <RoomContext.Provider value={controller.room as Room}>…</RoomContext.Provider>;
 */
export function useVoiceController(): VoiceController {
  const [controller] = useState(createAppVoiceController);

  useEffect(() => {
    controller.start();
    return () => void controller.stop();
  }, [controller]);

  // The server's view of whose streams I watch: my own voice state in the channel I am in (none in a call).
  useEffect(() => {
    let last: unknown = undefined;
    const tell = () => {
      const me = authStore.getState().user?.id;
      const at = voiceStore.getState().current;
      const mine =
        me && at && !at.callId ? (voicePresenceStore.getState().voiceByChannel[at.channelId]?.find((s) => s.userId === me) ?? null) : null;
      if (mine === last) return;
      last = mine;
      // A server older than viewer counts sends no `watching`: nothing to report to it.
      controller.serverWatching(mine?.watching ?? null);
    };
    tell();
    const offPresence = voicePresenceStore.subscribe(tell);
    const offVoice = voiceStore.subscribe(tell);
    return () => {
      offPresence();
      offVoice();
    };
  }, [controller]);

  // A moderator changed the channel's bitrate while we are in it: re-cap the published track's encoder in place.
  const bitrate = useGuilds((s) => {
    const t = voiceStore.getState().current;
    return t ? (s.channelsByGuild[t.guildId]?.find((c) => c.id === t.channelId)?.bitrate ?? null) : null;
  });
  useEffect(() => controller.setBitrate(bitrate), [controller, bitrate]);

  const volumes = useSettings((s) => s.userVolumes);
  const localMutes = useSettings((s) => s.localMutes);
  const streamVolumes = useSettings((s) => s.streamVolumes);
  const streamMutes = useSettings((s) => s.streamMutes);
  useEffect(
    () => controller.setPlayback({ volumes, localMutes, streamVolumes, streamMutes }),
    [controller, volumes, localMutes, streamVolumes, streamMutes],
  );

  return controller;
}

/** The controller's plain state (connection, channel, error, transmitting, push-to-talk held) for a component. */
export function useVoiceControllerState(controller: VoiceController): VoiceControllerSnapshot {
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot);
}
