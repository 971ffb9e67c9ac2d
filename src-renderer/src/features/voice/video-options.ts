import {
  AudioPresets,
  Track,
  VideoPreset,
  VideoPresets,
  type AudioCaptureOptions,
  type RoomOptions,
  type ScreenShareCaptureOptions,
  type TrackPublishOptions,
  type VideoCaptureOptions,
} from 'livekit-client';
import type { DevicePreference } from '../settings/device-fallback';

/**
 * How cameras and screen shares are captured, published and received (issue 17). Pure: the voice controller hands
 * these to livekit-client; the microphone's options stay in publish-options.ts.
 */

/**
 * Room options for video: adaptiveStream makes each subscriber ask the SFU only for the layer its <video> element
 * needs (and for nothing while no visible element shows it), dynacast stops the publisher encoding layers nobody
 * subscribes to, so a 10-person channel does not send every layer to everyone.
 */
export const VIDEO_ROOM_OPTIONS = { adaptiveStream: true, dynacast: true } as const satisfies Partial<RoomOptions>;

/**
 * The camera is captured at 720p30 and published with simulcast: 180p, 360p and 720p layers. The low layers keep
 * 30 fps (LiveKit's presets drop them to 20): a grid tile gets the small layer and should still move smoothly.
 */
export const CAMERA_LAYERS = [new VideoPreset(320, 180, 200_000, 30), new VideoPreset(640, 360, 500_000, 30)] as const;
export const CAMERA_TOP = VideoPresets.h720;

export function cameraCaptureOptions(deviceId: string | undefined): VideoCaptureOptions {
  return { resolution: CAMERA_TOP.resolution, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) };
}

export function cameraPublishOptions(): TrackPublishOptions {
  return {
    source: Track.Source.Camera,
    simulcast: true,
    videoEncoding: CAMERA_TOP.encoding,
    videoSimulcastLayers: [...CAMERA_LAYERS],
    // A face on a call: keep motion smooth, let the resolution drop first.
    degradationPreference: 'maintain-framerate',
  };
}

/**
 * The camera to open for the settings' preference among the cameras plugged in now: the pinned one by id, else by
 * label (browsers re-key devices after a replug), else undefined = the browser's default camera.
 */
export function cameraDeviceId(pref: DevicePreference, cameras: readonly { deviceId: string; label: string }[]): string | undefined {
  if (pref.mode === 'default') return undefined;
  const found = cameras.find((c) => c.deviceId === pref.deviceId) ?? (pref.label ? cameras.find((c) => c.label === pref.label) : undefined);
  return found?.deviceId;
}

export type ScreenPreset = '720p30' | '1080p30' | '1080p60';

interface PresetSpec {
  width: number;
  height: number;
  fps: number;
  maxBitrate: number;
}

/** Bitrates sized for text staying sharp at 30 fps and for motion at 60 fps. */
export const SCREEN_PRESETS: Readonly<Record<ScreenPreset, PresetSpec>> = {
  '720p30': { width: 1280, height: 720, fps: 30, maxBitrate: 2_500_000 },
  '1080p30': { width: 1920, height: 1080, fps: 30, maxBitrate: 4_000_000 },
  '1080p60': { width: 1920, height: 1080, fps: 60, maxBitrate: 6_000_000 },
};

/** A low layer for viewers who show the stream small (a grid tile, the focus strip): 360p at 15 fps. */
const SCREEN_LOW_LAYER = new VideoPreset(640, 360, 400_000, 15);

export interface ScreenShareOptions {
  capture: ScreenShareCaptureOptions;
  publish: TrackPublishOptions;
}

/**
 * The shared audio is a game, a video or music, not a voice: no voice processing. restrictOwnAudio (a getDisplayMedia
 * constraint newer than livekit-client's types) asks the browser to leave this page's own playback, the call's voices,
 * out of a system-audio capture, so viewers do not hear everyone twice. Browsers that do not support it ignore it; in
 * the desktop app the main process picks the audio (Windows 'loopback', the whole system mix), which it may not bind.
 */
export const STREAM_AUDIO_CAPTURE: AudioCaptureOptions & { restrictOwnAudio: boolean } = {
  echoCancellation: false,
  noiseSuppression: false,
  autoGainControl: false,
  restrictOwnAudio: true,
};

/**
 * Capture and publish options for a screen share at the settings' preset. 30 fps presets are for text and UI
 * (contentHint 'detail', keep the resolution); 60 fps is for motion (games, video: contentHint 'motion', keep the
 * frame rate). `audio` asks the browser for the shared tab's or system's audio where it offers it.
 */
export function screenShareOptions(preset: ScreenPreset, audio: boolean): ScreenShareOptions {
  const p = SCREEN_PRESETS[preset];
  const motion = p.fps >= 60;
  return {
    capture: {
      audio: audio ? STREAM_AUDIO_CAPTURE : false,
      systemAudio: audio ? 'include' : 'exclude',
      resolution: { width: p.width, height: p.height, frameRate: p.fps },
      contentHint: motion ? 'motion' : 'detail',
      selfBrowserSurface: 'exclude',
      surfaceSwitching: 'include',
    },
    // No `source` here: setScreenShareEnabled publishes the video as ScreenShare and its audio as ScreenShareAudio,
    // and a source in these options would be given to both (viewers then found no stream audio to play).
    publish: {
      // The share's audio: music quality (stereo when captured so), sent continuously (no DTX: quiet passages of
      // music are not silence), without RED (a redundant copy of each packet doubles a music bitrate).
      audioPreset: AudioPresets.musicHighQualityStereo,
      dtx: false,
      red: false,
      simulcast: true,
      screenShareEncoding: { maxBitrate: p.maxBitrate, maxFramerate: p.fps },
      screenShareSimulcastLayers: [SCREEN_LOW_LAYER],
      degradationPreference: motion ? 'maintain-framerate' : 'maintain-resolution',
    },
  };
}

/**
 * Whether this client subscribes to a remote publication: microphones and cameras always (adaptiveStream then
 * decides which layer, if any, flows), a screen share and its audio only once the viewer chose to watch it, as on
 * Discord, so nobody receives a stream they did not ask for.
 */
export function wantsSubscription(source: Track.Source, watching: boolean): boolean {
  if (source === Track.Source.ScreenShare || source === Track.Source.ScreenShareAudio) return watching;
  return true;
}

/** A picker the user closed without choosing (getDisplayMedia's NotAllowedError / AbortError): not an error to report. */
export function isUserCancel(err: unknown): boolean {
  const name = err instanceof Error || (typeof err === 'object' && err !== null && 'name' in err) ? (err as { name: unknown }).name : null;
  return name === 'NotAllowedError' || name === 'AbortError';
}
