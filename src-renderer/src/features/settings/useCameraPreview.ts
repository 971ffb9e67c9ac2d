import { useEffect, useRef, useState, type RefObject } from 'react';
import { canCapture, describeCaptureError } from './media-errors';

export interface CameraPreview {
  /** True once the camera stream is attached. */
  live: boolean;
  error: string | null;
}

/**
 * A live preview of the chosen camera for the settings' Video section: opened while the component is mounted (and
 * reopened when the device changes), every track stopped when it unmounts, so the camera light goes off with the
 * section.
 *
 * @example
 * const videoRef = useRef<HTMLVideoElement>(null);
 * const preview = useCameraPreview(videoRef, devices.camera.deviceId);
 * <video ref={videoRef} muted autoPlay playsInline />
 */
export function useCameraPreview(videoRef: RefObject<HTMLVideoElement | null>, deviceId: string, onOpened?: () => void): CameraPreview {
  const [state, setState] = useState<{ live: boolean; error: string | null }>({ live: false, error: null });
  const onOpenedRef = useRef(onOpened);
  useEffect(() => {
    onOpenedRef.current = onOpened;
  }, [onOpened]);

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let attached: HTMLVideoElement | null = null;
    const md = navigator.mediaDevices as MediaDevices | undefined;
    if (!md?.getUserMedia) return;
    void (async () => {
      try {
        stream = await md.getUserMedia({
          video: { deviceId: deviceId === 'default' ? undefined : { exact: deviceId }, width: { ideal: 1280 }, height: { ideal: 720 } },
          audio: false,
        });
        if (stopped) return stream.getTracks().forEach((t) => t.stop());
        attached = videoRef.current;
        if (attached) {
          attached.srcObject = stream;
          void attached.play().catch(() => undefined);
        }
        setState({ live: true, error: null });
        onOpenedRef.current?.();
      } catch (err) {
        if (stopped) return;
        setState({ live: false, error: describeCaptureError(err, 'camera') });
      }
    })();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((t) => t.stop());
      if (attached) attached.srcObject = null;
    };
  }, [deviceId, videoRef]);

  return canCapture() ? state : { live: false, error: describeCaptureError(null, 'camera', { capturable: false }) };
}
