import { useLocalParticipant, useTracks, VideoTrack, type TrackReference } from '@livekit/components-react';
import { Track, type RemoteVideoTrack } from 'livekit-client';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type CSSProperties, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { uiStore, useSettings } from '../../app/services';
import { EyeIcon } from '../../ui/icons';
import { Avatar } from '../../ui/Avatar';
import { VolumeSlider } from '../../ui/VolumeSlider';
import { useStreamViewers, type StreamViewer } from './useVoiceOccupants';
import { isUserCancel } from './video-options';
import './video.css';
import {
  bitrateBetween,
  formatStreamStats,
  gridColumns,
  inboundVideo,
  stageLayout,
  tileKey,
  tileLabel,
  viewersLabel,
  type InboundVideoSample,
  type TileInfo,
} from './video-tiles';
import type { VoiceController } from './voice-controller';

/**
 * The video half of the voice session (issue 17), portalled by VoiceSession into the outlets of video-outlets.ts:
 * camera and screen-share toggles, the stage of camera and screen tiles (grid, or focus with a strip), opt-in to watch
 * a stream, pop-out, and the per-stream stats. Subscriptions are the controller's (a stream only once watched); which
 * layer arrives, and whether anything does, is adaptiveStream's: a tile's <video> is attached while it is rendered and
 * LiveKit pauses a track whose elements are all hidden, off-screen or gone.
 */

function useWatching(controller: VoiceController): readonly string[] {
  return useSyncExternalStore(controller.subscribe, () => controller.getSnapshot().watching);
}

function CameraIcon({ off }: { off: boolean }) {
  return (
    <svg width={20} height={20} viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth={2}>
      <path d="M3 7h12v10H3z" />
      <path d="M15 10l6-3v10l-6-3" />
      {off && <path d="M2 2l20 20" />}
    </svg>
  );
}

function ScreenIcon({ on }: { on: boolean }) {
  return (
    <svg width={20} height={20} viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth={2}>
      <path d="M3 4h18v12H3z" />
      <path d="M8 20h8" />
      <path d="M12 16v4" />
      {on ? <path d="M9 10h6" /> : <path d="M12 7v6M9 10l3-3 3 3" />}
    </svg>
  );
}

/** May LiveKit's grant publish this source now (a moderator may have stopped it)? Absent permissions: not yet known. */
function grantAllows(sources: readonly number[] | undefined, source: Track.Source): boolean {
  return !sources || sources.length === 0 || sources.includes(Track.sourceToProto(source));
}

/**
 * Camera and screen-share toggles (DOM contract: "Turn on camera" / "Turn off camera", "Share your screen" /
 * "Stop sharing", with aria-pressed). Hidden without the VIDEO / STREAM permission; disabled, saying why, while the
 * server's grant refuses the source (a moderator turned it off).
 */
export function VideoControls({ controller, canVideo, canStream }: { controller: VoiceController; canVideo: boolean; canStream: boolean }) {
  const { localParticipant, isCameraEnabled, isScreenShareEnabled } = useLocalParticipant();
  const [busy, setBusy] = useState<'camera' | 'screen' | null>(null);
  const sources = localParticipant.permissions?.canPublishSources;
  const cameraGranted = grantAllows(sources, Track.Source.Camera);
  const screenGranted = grantAllows(sources, Track.Source.ScreenShare);

  const toggleCamera = async () => {
    setBusy('camera');
    try {
      await controller.setCamera(!isCameraEnabled);
    } catch (err) {
      uiStore.getState().toast('error', `Couldn't turn on the camera: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(null);
    }
  };
  const toggleScreen = async () => {
    setBusy('screen');
    try {
      await controller.setScreenShare(!isScreenShareEnabled);
    } catch (err) {
      // Closing the browser's picker is a choice, not a failure.
      if (!isUserCancel(err))
        uiStore.getState().toast('error', `Couldn't share the screen: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(null);
    }
  };

  if (!canVideo && !canStream) return null;
  return (
    <div className="video-controls" role="group" aria-label="Video">
      {canVideo && (
        <button
          type="button"
          className={`icon-btn video-ctl${isCameraEnabled ? ' active' : ''}`}
          aria-label={isCameraEnabled ? 'Turn off camera' : 'Turn on camera'}
          aria-pressed={isCameraEnabled}
          title={cameraGranted ? (isCameraEnabled ? 'Turn off camera' : 'Turn on camera') : 'Your camera was turned off by a moderator'}
          disabled={busy === 'camera' || (!cameraGranted && !isCameraEnabled)}
          onClick={() => void toggleCamera()}
        >
          <CameraIcon off={!isCameraEnabled} />
        </button>
      )}
      {canStream && (
        <button
          type="button"
          className={`icon-btn video-ctl${isScreenShareEnabled ? ' active' : ''}`}
          aria-label={isScreenShareEnabled ? 'Stop sharing' : 'Share your screen'}
          aria-pressed={isScreenShareEnabled}
          title={
            screenGranted ? (isScreenShareEnabled ? 'Stop sharing' : 'Share your screen') : 'Your stream was turned off by a moderator'
          }
          disabled={busy === 'screen' || (!screenGranted && !isScreenShareEnabled)}
          onClick={() => void toggleScreen()}
        >
          <ScreenIcon on={isScreenShareEnabled} />
        </button>
      )}
    </div>
  );
}

type Tile = TileInfo & { ref: TrackReference };

/** Identities whose screen share carries audio (its own publication, subscribed only while watched). */
function useStreamAudio(): ReadonlySet<string> {
  const refs = useTracks([{ source: Track.Source.ScreenShareAudio, withPlaceholder: false }], { onlySubscribed: false });
  const key = refs.map((r) => r.participant.identity).join('|');
  return useMemo(() => new Set(key ? key.split('|') : []), [key]);
}

/**
 * A watched stream's audio (DOM contract: "Mute stream" / "Unmute stream" with aria-pressed, and the "Stream volume"
 * slider, 0–200 %): apart from the streamer's voice, remembered per streamer, as Discord's stream volume.
 */
function StreamAudioControls({ userId, name }: { userId: string; name: string }) {
  const volume = useSettings((s) => s.streamVolumes[userId] ?? 1);
  const muted = useSettings((s) => s.streamMutes[userId] === true);
  const setStreamVolume = useSettings((s) => s.setStreamVolume);
  const setStreamMute = useSettings((s) => s.setStreamMute);
  return (
    <div className="video-stream-audio" role="group" aria-label={`Stream audio from ${name}`}>
      <button
        type="button"
        className="icon-btn video-stream-mute"
        aria-pressed={muted}
        aria-label={muted ? 'Unmute stream' : 'Mute stream'}
        title={muted ? 'Unmute stream' : 'Mute stream'}
        onClick={() => setStreamMute(userId, !muted)}
      >
        <SpeakerIcon off={muted} />
      </button>
      <VolumeSlider
        className="video-stream-volume"
        aria-label="Stream volume"
        volume={volume}
        onChange={(next) => setStreamVolume(userId, next)}
      />
    </div>
  );
}

function FullscreenIcon({ exit }: { exit: boolean }) {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth={2}>
      {exit ? <path d="M9 3v6H3M15 3v6h6M9 21v-6H3M15 21v-6h6" /> : <path d="M3 9V3h6M21 9V3h-6M3 15v6h6M21 15v6h-6" />}
    </svg>
  );
}

function PopoutIcon() {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth={2}>
      <path d="M14 4h6v6M20 4l-9 9M18 14v6H4V6h6" />
    </svg>
  );
}

function SpeakerIcon({ off }: { off: boolean }) {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth={2}>
      <path d="M4 9h4l5-4v14l-5-4H4z" />
      {off ? <path d="M17 9l5 6M22 9l-5 6" /> : <path d="M16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12" />}
    </svg>
  );
}

/** Every published camera (not turned off) and screen share in the room, mine included, as tiles. */
function useTiles(): Tile[] {
  const refs = useTracks(
    [
      { source: Track.Source.Camera, withPlaceholder: false },
      { source: Track.Source.ScreenShare, withPlaceholder: false },
    ],
    { onlySubscribed: false },
  );
  return (
    refs
      // Video only: a stream's audio comes as its own publication.
      .filter((r): r is TrackReference => r.publication !== undefined && r.publication.kind === Track.Kind.Video && !r.publication.isMuted)
      .map((ref) => ({
        identity: ref.participant.identity,
        name: ref.participant.name || ref.participant.identity,
        source: ref.source === Track.Source.ScreenShare ? 'screen_share' : 'camera',
        isLocal: ref.participant.isLocal,
        ref,
      }))
  );
}

/**
 * The stage (DOM contract: .video-stage[data-layout] with .video-tile[data-identity][data-source] tiles). Click or
 * Enter on a tile focuses it, again or Escape returns to the grid.
 */
export function VideoStage({ controller }: { controller: VoiceController }) {
  const tiles = useTiles();
  const watching = useWatching(controller);
  const withAudio = useStreamAudio();
  const viewers = useStreamViewers();
  const [focused, setFocused] = useState<string | null>(null);
  const [popped, setPopped] = useState<Record<string, Window>>({});
  const { layout, main, rest } = stageLayout(tiles, focused);
  // A popped-out tile that went (track unpublished) closes its window; leaving the room closes them all.
  const keys = tiles.map(tileKey).join('|');
  useEffect(() => {
    const shown = new Set(keys.split('|'));
    for (const [k, w] of Object.entries(popped)) if (!shown.has(k)) w.close();
  }, [keys, popped]);
  const poppedNow = useRef(popped);
  useEffect(() => {
    poppedNow.current = popped;
  }, [popped]);
  useEffect(() => () => Object.values(poppedNow.current).forEach((w) => w.close()), []);

  // Focusing moves the tile (grid → main, and back), which remounts its button: keep the keyboard on it.
  const stageEl = useRef<HTMLDivElement>(null);
  const lastFocused = useRef<string | null>(null);
  useEffect(() => {
    const key = focused ?? lastFocused.current;
    lastFocused.current = focused;
    const el = stageEl.current;
    const active = document.activeElement;
    if (!key || !el || (active && active !== document.body && !el.contains(active))) return;
    const [identity, source] = key.split(':');
    el.querySelector<HTMLElement>(`.video-tile[data-identity="${identity}"][data-source="${source}"] .video-tile-focus`)?.focus();
  }, [focused]);
  // Escape returns to the grid from anywhere but a dialog or a text field (whose own Escape comes first).
  useEffect(() => {
    if (layout !== 'focus') return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const t = e.target instanceof Element ? e.target : null;
      if (t?.closest('[role="dialog"], [role="alertdialog"], input, textarea, select, [contenteditable="true"]')) return;
      setFocused(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [layout]);
  if (tiles.length === 0) return null;

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && layout === 'focus') {
      e.preventDefault();
      setFocused(null);
    }
  };
  const render = (t: Tile) => {
    const key = tileKey(t);
    return (
      <VideoTile
        key={key}
        tile={t}
        focused={main === t}
        watching={watching.includes(t.identity)}
        viewers={t.source === 'screen_share' ? viewers.get(t.identity) : undefined}
        hasAudio={t.source === 'screen_share' && withAudio.has(t.identity)}
        popout={popped[key] && !popped[key].closed ? popped[key] : null}
        onFocus={() => setFocused(focused === key ? null : key)}
        onWatch={(watch) => controller.watchStream(t.identity, watch)}
        onPopout={(open) => {
          const win = open ? openPopout(t.ref.publication.trackSid, tileLabel(t)) : null;
          if (!open) popped[key]?.close();
          setPopped((p) => {
            const next = { ...p };
            if (win) next[key] = win;
            else delete next[key];
            return next;
          });
        }}
      />
    );
  };
  return (
    <div
      ref={stageEl}
      className="video-stage"
      data-layout={layout}
      role="region"
      aria-label="Video"
      onKeyDown={onKeyDown}
      style={{ '--video-cols': gridColumns(rest.length) } as CSSProperties}
    >
      {main ? (
        <>
          <div className="video-main">{render(main)}</div>
          {rest.length > 0 && <div className="video-strip">{rest.map(render)}</div>}
        </>
      ) : (
        rest.map(render)
      )}
    </div>
  );
}

/** How many viewers' avatars a stream's tile shows beside the count (as Discord does); all are named on hover. */
const MAX_VIEWER_FACES = 3;

function VideoTile(props: {
  tile: Tile;
  focused: boolean;
  watching: boolean;
  /** A stream's viewers (the server's voice states; undefined for a camera, or in a call). */
  viewers: readonly StreamViewer[] | undefined;
  /** A stream that shares its audio. */
  hasAudio: boolean;
  popout: Window | null;
  onFocus(): void;
  onWatch(watch: boolean): void;
  onPopout(open: boolean): void;
}) {
  const { tile, focused, watching, popout } = props;
  const popped = popout !== null;
  const { ref } = tile;
  const label = tileLabel(tile);
  const stream = tile.source === 'screen_share';
  // A stream of someone else's not opted in to: no subscription, so no <video> (DOM contract).
  const needsOptIn = stream && !tile.isLocal && !watching;
  const hasTrack = ref.publication.track !== undefined && (tile.isLocal || ref.publication.isSubscribed);
  const showVideo = !needsOptIn && hasTrack && !popped;
  const tileEl = useRef<HTMLDivElement>(null);
  const fullscreen = useFullscreen(tileEl);
  const viewerNames = props.viewers?.map((v) => v.name);
  return (
    <div
      ref={tileEl}
      className={`video-tile${tile.isLocal && !stream ? ' mirrored' : ''}`}
      data-identity={tile.identity}
      data-source={tile.source}
      data-focused={focused ? 'true' : undefined}
    >
      {showVideo && <VideoTrack trackRef={ref} muted playsInline />}
      {needsOptIn && <span className="video-tile-note">{tile.name} is streaming</span>}
      {popped && <span className="video-tile-note">Shown in its own window</span>}
      {!needsOptIn && !hasTrack && <span className="video-tile-note">Loading…</span>}
      {/* In full screen a click must not focus or unfocus: that moves the tile, and the browser leaves full screen. */}
      <button type="button" className="video-tile-focus" aria-pressed={focused} onClick={fullscreen ? undefined : props.onFocus}>
        <span className="video-tile-name">
          {stream && (
            <span className="video-live" aria-hidden="true">
              LIVE
            </span>
          )}
          {label}
        </span>
      </button>
      {viewerNames && viewerNames.length > 0 && (
        <span className="video-tile-viewers" role="img" aria-label={viewersLabel(viewerNames)} title={viewersLabel(viewerNames)}>
          <span className="video-tile-viewer-faces">
            {props.viewers?.slice(0, MAX_VIEWER_FACES).map((v) => (
              <Avatar key={v.id} id={v.id} name={v.name} avatar={v.avatar} size={18} />
            ))}
          </span>
          <EyeIcon size={14} />
          {viewerNames.length}
        </span>
      )}
      {needsOptIn && (
        <button
          type="button"
          className="btn primary video-watch"
          aria-label={`Watch stream from ${tile.name}`}
          onClick={() => props.onWatch(true)}
        >
          Watch stream
        </button>
      )}
      <div className="video-tile-actions">
        {stream && !tile.isLocal && watching && props.hasAudio && <StreamAudioControls userId={tile.identity} name={tile.name} />}
        {stream && !tile.isLocal && watching && (
          <button
            type="button"
            className="btn secondary small"
            onClick={() => {
              if (fullscreen) void document.exitFullscreen().catch(() => undefined);
              props.onWatch(false);
            }}
          >
            Stop watching
          </button>
        )}
        {showVideo && document.fullscreenEnabled && (
          <button
            type="button"
            className="icon-btn video-tile-btn"
            aria-label={fullscreen ? 'Exit full screen' : `Full screen ${label}`}
            title={fullscreen ? 'Exit full screen' : 'Full screen'}
            onClick={() => void (fullscreen ? document.exitFullscreen() : tileEl.current?.requestFullscreen())?.catch(() => undefined)}
          >
            <FullscreenIcon exit={fullscreen} />
          </button>
        )}
        {hasTrack && !needsOptIn && !fullscreen && (
          <button
            type="button"
            className="icon-btn video-tile-btn"
            aria-label={popped ? `Pop in ${label}` : `Pop out ${label}`}
            title={popped ? 'Pop in' : 'Pop out'}
            onClick={() => props.onPopout(!popped)}
          >
            <PopoutIcon />
          </button>
        )}
      </div>
      {popout && <Popout trackRef={ref} win={popout} title={label} onClosed={() => props.onPopout(false)} />}
    </div>
  );
}

function onFullscreenChange(onChange: () => void): () => void {
  document.addEventListener('fullscreenchange', onChange);
  return () => document.removeEventListener('fullscreenchange', onChange);
}

/** Whether `el` is the page's full-screen element (Escape, or the browser's own exit, leaves it). */
function useFullscreen(el: { readonly current: Element | null }): boolean {
  return useSyncExternalStore(onFullscreenChange, () => el.current !== null && document.fullscreenElement === el.current);
}

/**
 * Opens a tile's own window (DOM contract): window.open of about:blank named parley-popout-<trackSid>, with the app's
 * stylesheets and theme copied so it looks the same. Called from the click, so popup blockers let it through.
 */
function openPopout(trackSid: string, title: string): Window | null {
  const w = window.open('about:blank', `parley-popout-${trackSid}`, 'popup,width=960,height=540');
  if (!w) return null;
  w.document.title = title;
  for (const node of document.querySelectorAll('link[rel="stylesheet"], style')) {
    const copy = w.document.importNode(node, true);
    // about:blank has no base of its own in every browser: give links their absolute address.
    if (node instanceof HTMLLinkElement) (copy as HTMLLinkElement).href = node.href;
    w.document.head.appendChild(copy);
  }
  for (const attr of document.documentElement.attributes) w.document.documentElement.setAttribute(attr.name, attr.value);
  w.document.body.className = 'video-popout-body';
  return w;
}

/** The popped-out tile's video, a React portal into its window; closing the window pops it back in. */
function Popout({ trackRef, win, title, onClosed }: { trackRef: TrackReference; win: Window; title: string; onClosed(): void }) {
  useEffect(() => {
    win.addEventListener('pagehide', onClosed);
    return () => win.removeEventListener('pagehide', onClosed);
  }, [win, onClosed]);
  return createPortal(
    <main className="video-popout" aria-label={title}>
      <VideoTrack trackRef={trackRef} muted playsInline />
    </main>,
    win.document.body,
  );
}

const STATS_INTERVAL_MS = 1500;

/**
 * Per-stream stats for the voice panel (resolution, fps, bitrate) of every remote video this client receives, from
 * each track's inbound-rtp stats every 1.5 s while the panel shows them.
 */
export function StreamStats() {
  const all = useTracks([Track.Source.Camera, Track.Source.ScreenShare], { onlySubscribed: true });
  const refs = useMemo(
    () =>
      all.filter(
        (r): r is TrackReference => !r.participant.isLocal && r.publication !== undefined && r.publication.kind === Track.Kind.Video,
      ),
    [all],
  );
  const [lines, setLines] = useState<Record<string, string>>({});
  const prev = useRef(new Map<string, InboundVideoSample>());
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      const next: Record<string, string> = {};
      for (const r of refs) {
        const track = r.publication.track as RemoteVideoTrack | undefined;
        const report = await track?.getRTCStatsReport().catch(() => undefined);
        const sample = report ? inboundVideo(report.values()) : null;
        if (!sample) continue;
        const sid = r.publication.trackSid;
        next[sid] = formatStreamStats(sample, bitrateBetween(prev.current.get(sid) ?? null, sample));
        prev.current.set(sid, sample);
      }
      if (!stopped) setLines(next);
    };
    void tick();
    const t = setInterval(() => void tick(), STATS_INTERVAL_MS);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [refs]);
  if (refs.length === 0) return null;
  return (
    <ul className="video-stream-stats muted small" aria-label="Video streams">
      {refs.map((r) => {
        const label = tileLabel({
          name: r.participant.name || r.participant.identity,
          source: r.source === Track.Source.ScreenShare ? 'screen_share' : 'camera',
          isLocal: false,
        });
        return (
          <li key={r.publication.trackSid} data-track-sid={r.publication.trackSid}>
            {label}: {lines[r.publication.trackSid] ?? 'measuring'}
          </li>
        );
      })}
    </ul>
  );
}
