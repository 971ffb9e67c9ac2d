import { AudioPresets, Track, VideoPresets } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import {
  cameraCaptureOptions,
  cameraDeviceId,
  cameraPublishOptions,
  isUserCancel,
  screenShareOptions,
  STREAM_AUDIO_CAPTURE,
  VIDEO_ROOM_OPTIONS,
  wantsSubscription,
} from './video-options';

describe('video options', () => {
  it('when the room is created, then adaptive stream and dynacast are on', () => {
    expect(VIDEO_ROOM_OPTIONS).toEqual({ adaptiveStream: true, dynacast: true });
  });

  it('when the camera is published, then it sends 720p with 180p and 360p simulcast layers', () => {
    const o = cameraPublishOptions();
    expect(o.simulcast).toBe(true);
    expect(o.source).toBe(Track.Source.Camera);
    expect(o.videoEncoding).toEqual(VideoPresets.h720.encoding);
    expect(o.videoSimulcastLayers?.map((l) => [l.height, l.encoding.maxFramerate])).toEqual([
      [180, 30],
      [360, 30],
    ]);
    expect(cameraCaptureOptions(undefined)).toEqual({ resolution: VideoPresets.h720.resolution });
    expect(cameraCaptureOptions('cam-2').deviceId).toEqual({ exact: 'cam-2' });
  });

  it('when a camera is pinned, then it is found by id, else by label, else the default is used', () => {
    const cams = [
      { deviceId: 'a', label: 'Front' },
      { deviceId: 'b', label: 'USB Cam' },
    ];
    expect(cameraDeviceId({ mode: 'default' }, cams)).toBeUndefined();
    expect(cameraDeviceId({ mode: 'pinned', deviceId: 'b', label: 'USB Cam' }, cams)).toBe('b');
    expect(cameraDeviceId({ mode: 'pinned', deviceId: 'old', label: 'USB Cam' }, cams)).toBe('b');
    expect(cameraDeviceId({ mode: 'pinned', deviceId: 'gone', label: 'Gone' }, cams)).toBeUndefined();
  });

  it.each([
    ['720p30', 1280, 720, 30, 'detail', 'maintain-resolution'],
    ['1080p30', 1920, 1080, 30, 'detail', 'maintain-resolution'],
    ['1080p60', 1920, 1080, 60, 'motion', 'maintain-framerate'],
  ] as const)('when the screen preset is %s, then capture and encoding follow it', (preset, width, height, fps, hint, degradation) => {
    const { capture, publish } = screenShareOptions(preset, true);
    expect(capture.resolution).toEqual({ width, height, frameRate: fps });
    expect(capture.contentHint).toBe(hint);
    expect(capture.audio).toEqual(STREAM_AUDIO_CAPTURE);
    expect(STREAM_AUDIO_CAPTURE).toMatchObject({ echoCancellation: false, noiseSuppression: false, restrictOwnAudio: true });
    expect(publish).toMatchObject({ audioPreset: AudioPresets.musicHighQualityStereo, dtx: false, red: false });
    expect(publish.screenShareEncoding?.maxFramerate).toBe(fps);
    expect(publish.degradationPreference).toBe(degradation);
    // livekit-client gives each of the share's tracks its own source (ScreenShare, ScreenShareAudio); one set here
    // would override the audio's.
    expect(publish.source).toBeUndefined();
  });

  it('when higher presets are compared, then they get more bitrate', () => {
    const rate = (p: '720p30' | '1080p30' | '1080p60') => screenShareOptions(p, false).publish.screenShareEncoding?.maxBitrate ?? 0;
    expect(rate('720p30')).toBeLessThan(rate('1080p30'));
    expect(rate('1080p30')).toBeLessThan(rate('1080p60'));
  });

  it('when stream audio is off in the settings, then no audio is asked for', () => {
    const { capture } = screenShareOptions('1080p30', false);
    expect(capture.audio).toBe(false);
    expect(capture.systemAudio).toBe('exclude');
  });

  it('when a remote track is published, then mics and cameras are received and a stream only when watched', () => {
    expect(wantsSubscription(Track.Source.Microphone, false)).toBe(true);
    expect(wantsSubscription(Track.Source.Camera, false)).toBe(true);
    expect(wantsSubscription(Track.Source.ScreenShare, false)).toBe(false);
    expect(wantsSubscription(Track.Source.ScreenShareAudio, false)).toBe(false);
    expect(wantsSubscription(Track.Source.ScreenShare, true)).toBe(true);
    expect(wantsSubscription(Track.Source.ScreenShareAudio, true)).toBe(true);
  });

  it('when the screen picker is closed, then that is a cancel, not an error', () => {
    expect(isUserCancel(Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' }))).toBe(true);
    expect(isUserCancel({ name: 'AbortError' })).toBe(true);
    expect(isUserCancel(new Error('Could not start video source'))).toBe(false);
    expect(isUserCancel('x')).toBe(false);
  });
});
