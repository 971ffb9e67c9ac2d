import {
  DisconnectReason,
  RoomEvent,
  Track,
  type AudioCaptureOptions,
  type LocalAudioTrack,
  type LocalParticipant,
  type RemoteParticipant,
  type RemoteTrackPublication,
  type Room,
  type TrackPublishOptions,
  type VideoCaptureOptions,
} from 'livekit-client';
import type { GateMode } from './gate-processor';
import { isMissingDevice } from '../settings/media-errors';
import { withMaxBitrate } from './publish-options';
import { wantsSubscription, type ScreenShareOptions } from './video-options';
import { createWatchReport } from './watch-report';
import { micAllowed, playbackAllowed, type ConnectionState, type VoiceGrant, type VoiceLocation, type VoiceStore } from './voice.store';

/**
 * The voice call without React: one object owns the LiveKit room's lifecycle. It converges the room to the voice
 * store's `target` (leaving the old room before joining the next, with the token a moderator's move carries), publishes
 * the gated microphone, applies mute / deafen / server mute, push-to-talk, per-user volume and the channel's bitrate,
 * and turns room events into plain state in the store. React hooks (useVoiceController, usePushToTalk, useTray,
 * useVoiceDevices) only subscribe and forward, the core-plus-thin-hooks shape of LiveKit's components-js.
 *
 * @example
 * const controller = createVoiceController({ room: new Room(), store: voiceStore, api, media, describeError });
 * controller.start();                      // listeners on; converges to the store's target
 * voiceStore.getState().join(channelId, guildId);
 * controller.setPushToTalk(true);          // the gate opens while the key is held
 * await controller.stop();                 // listeners off, room left
 */

/** The slice of livekit-client's Room the controller uses (so a unit test can hand it a fake). */
export type RoomLike = Pick<Room, 'state' | 'on' | 'off' | 'connect' | 'disconnect' | 'switchActiveDevice'> & {
  /** livekit-client's internals (marked so in its types), for a setting it has no public call for (sayOffBeforeSubscribing). */
  engine?: { client: Pick<Room['engine']['client'], 'sendUpdateTrackSettings'> };
  localParticipant: Pick<
    LocalParticipant,
    'permissions' | 'on' | 'off' | 'setMicrophoneEnabled' | 'setCameraEnabled' | 'setScreenShareEnabled' | 'getTrackPublication'
  >;
  remoteParticipants: ReadonlyMap<string, Pick<RemoteParticipant, 'identity' | 'getTrackPublication' | 'trackPublications'>>;
};

/** The microphone gate (GateProcessor in the app): a track processor whose opening follows VAD or push-to-talk. */
export type GateLike = Parameters<LocalAudioTrack['setProcessor']>[0] & { setMode(mode: GateMode): void };

export interface VoiceControllerDeps {
  room: RoomLike;
  store: VoiceStore;
  api: {
    join(channelId: string, flags: { selfMute: boolean; selfDeaf: boolean }): Promise<VoiceGrant>;
    leave(): Promise<unknown>;
    reportSelfState(flags: { selfMute: boolean; selfDeaf: boolean }): Promise<unknown>;
    /** Whose streams I watch (streamers' viewer counts); resolves with the list the server kept. */
    reportWatching(watching: string[]): Promise<readonly string[]>;
    /** A DM call's room (features/calls): a fresh token when the target came without one (a retry after a failure). */
    connectCall(callId: string): Promise<VoiceGrant>;
    /** Hang up a DM call (the caller before an answer: cancel). */
    leaveCall(callId: string): Promise<unknown>;
  };
  media: {
    captureOptions(): AudioCaptureOptions;
    /** Publish options for the microphone in a channel (its bitrate caps the Opus encoder). */
    publishOptions(channel: { guildId: string; channelId: string } | null): TrackPublishOptions;
    /** The gate's mode from the settings (VAD threshold, or push-to-talk with its release delay). */
    gateMode(pttHeld: boolean): GateMode;
    createGate(onOpenChange: (open: boolean) => void): GateLike;
    /** The camera's capture (the settings' device) and publish options (simulcast layers). */
    cameraOptions(): Promise<{ capture: VideoCaptureOptions; publish: TrackPublishOptions }>;
    /** The screen share's capture and publish options for the settings' quality preset and audio choice. */
    screenOptions(): ScreenShareOptions;
    /** What to tell the user when the microphone could not be opened. */
    describeMicError(err: unknown): string;
    /** Calls `onAvailable` when a microphone is plugged in (the system's audio inputs grow); returns the stop function. */
    watchMicrophones(onAvailable: () => void): () => void;
  };
  describeError(err: unknown): string;
}

export interface VoiceControllerSnapshot {
  connection: ConnectionState;
  channel: VoiceLocation | null;
  error: string | null;
  transmitting: boolean;
  pttHeld: boolean;
  /** Identities whose screen share I chose to watch (subscribed); the others' streams are not received. */
  watching: readonly string[];
}

export interface Playback {
  /** Per-user volume, 0 … 2, by identity (user id); 1 when absent. */
  volumes: Readonly<Record<string, number>>;
  /** Users muted for us only. */
  localMutes: Readonly<Record<string, boolean>>;
  /** The audio of a watched screen share, by the streamer's identity: its own volume (1 when absent) and mute. */
  streamVolumes: Readonly<Record<string, number>>;
  streamMutes: Readonly<Record<string, boolean>>;
}

export interface VoiceController {
  readonly room: RoomLike;
  /** Attaches the room and store listeners and converges to the store's target. Idempotent. */
  start(): void;
  /** Detaches every listener and leaves the room (a later start() attaches again). */
  stop(): Promise<void>;
  subscribe(listener: () => void): () => void;
  getSnapshot(): VoiceControllerSnapshot;
  /** Push-to-talk key held or released (desktop global hook, or the focused window's keys on the web). */
  setPushToTalk(held: boolean): void;
  /** Re-reads the gate mode (input mode, VAD threshold, release delay changed in settings). */
  refreshGate(): void;
  /** The channel's bitrate changed while we are in it: re-cap the live encoder. */
  setBitrate(bitrate: number | null): void;
  setPlayback(playback: Playback): void;
  switchDevice(kind: 'audioinput' | 'audiooutput' | 'videoinput', deviceId: string): Promise<void>;
  /** Capture settings (noise suppression, echo cancellation, gain control) changed: restart the live track. */
  restartCapture(): Promise<void>;
  /** Camera on or off (rejects with the browser's error, e.g. no camera or permission denied). */
  setCamera(on: boolean): Promise<void>;
  /** Screen share on or off (rejects with the browser's error; a closed picker is a NotAllowedError). */
  setScreenShare(on: boolean): Promise<void>;
  /** Opt in to (or out of) receiving a participant's screen share. */
  watchStream(identity: string, watch: boolean): void;
  /** My voice state's `watching` as the server shows it (null: it has me in no voice channel); see watch-report.ts. */
  serverWatching(watching: readonly string[] | null): void;
  /** Resolves when every queued room step (join, leave, publish) has run; for tests and orderly shutdown. */
  idle(): Promise<void>;
}

/** The server's cap on a `watching` report (MAX_WATCHING in src-shared/api/voice.ts, not imported: it builds zod schemas). */
export const MAX_WATCHING = 25;

const GIVE_UP_MESSAGE = "Lost the voice connection and couldn't get it back. Check your network, then click the channel to rejoin.";

function removalMessage(reason: DisconnectReason | undefined, announced: string | null, call: boolean): string {
  if (call) {
    if (reason === DisconnectReason.ROOM_DELETED || reason === DisconnectReason.PARTICIPANT_REMOVED) return 'The call ended.';
    if (reason === DisconnectReason.DUPLICATE_IDENTITY) return 'You joined this call from another device.';
    return "Lost the call's connection. Check your network, then rejoin.";
  }
  if (reason === DisconnectReason.PARTICIPANT_REMOVED) return announced ?? 'You were disconnected from voice by a moderator.';
  if (reason === DisconnectReason.ROOM_DELETED) return 'This voice channel was closed.';
  if (reason === DisconnectReason.DUPLICATE_IDENTITY) return 'You joined this voice channel from another device.';
  return GIVE_UP_MESSAGE;
}

function sameLocation(a: VoiceLocation, b: VoiceLocation): boolean {
  return a.channelId === b.channelId && (a.callId ?? null) === (b.callId ?? null);
}

export function createVoiceController(deps: VoiceControllerDeps): VoiceController {
  const { room, store, api, media } = deps;
  const v = () => store.getState();
  const listeners = new Set<() => void>();
  let detach: (() => void) | null = null;
  /** Room steps run one after another, so a quick A → B → C switch (or a leave during a join) happens in order. */
  let chain: Promise<void> = Promise.resolve();
  /** Set while we disconnect on purpose, so the Disconnected event is not taken for a loss. */
  let leaving = false;
  // The browser gave no microphone in this room: not asked again (each ask can be a prompt, and Chrome blocks a site
  // whose prompt was dismissed three times) until the user unmutes, clicks Try again, or joins another room.
  let micRefused = false;
  // That refusal was "no microphone" (none plugged in): one appearing tries again by itself, as Discord picks up a
  // headset plugged in mid-call. A denial is not retried that way (it would prompt again).
  let micMissing = false;
  let gate: GateLike | null = null;
  let pttHeld = false;
  let bitrate: number | null = null;
  let playback: Playback = { volumes: {}, localMutes: {}, streamVolumes: {}, streamMutes: {} };
  let watching: ReadonlySet<string> = new Set();
  let snapshot: VoiceControllerSnapshot | null = null;

  const notify = (): void => {
    snapshot = null;
    for (const l of [...listeners]) l();
  };
  const enqueue = (step: () => Promise<void>): Promise<void> => {
    chain = chain.then(step, step).catch(() => undefined);
    return chain;
  };
  const mic = () => room.localParticipant.getTrackPublication(Track.Source.Microphone);

  async function disconnect(): Promise<void> {
    leaving = true;
    try {
      await room.disconnect();
    } finally {
      leaving = false;
    }
  }

  /**
   * Publishes the gated microphone. When the browser gives none (no device, access denied, a page over plain http),
   * we stay connected and listen, as in Discord, and the voice panel says why (micError); unmuting or Try again asks
   * once more, and so does a microphone being plugged in. `quiet`: a try nobody asked for (a device appeared) that
   * finds no microphone again leaves the notice as it was.
   */
  async function publishMic(quiet = false): Promise<void> {
    if (!room.localParticipant.permissions?.canPublish) return;
    gate ??= media.createGate((open) => v().setTransmitting(open));
    gate.setMode(media.gateMode(pttHeld));
    try {
      await room.localParticipant.setMicrophoneEnabled(true, media.captureOptions(), media.publishOptions(v().current));
    } catch (err) {
      if (room.state !== 'connected') throw err;
      micRefused = true;
      const missing = isMissingDevice(err);
      if (!(quiet && missing && micMissing)) v().setMicError(media.describeMicError(err));
      micMissing = missing;
      return;
    }
    micRefused = false;
    micMissing = false;
    v().setMicError(null);
    const track = mic()?.track as LocalAudioTrack | undefined;
    if (track) await track.setProcessor(gate);
    if (!micAllowed(v())) await room.localParticipant.setMicrophoneEnabled(false);
    applyBitrate();
  }

  /** Mute, deafen, server mute or a permission change → the published track (publishing it first if it never was). */
  async function applyMic(): Promise<void> {
    if (room.state !== 'connected' || v().connection !== 'connected' || !room.localParticipant.permissions?.canPublish) return;
    const allowed = micAllowed(v());
    if (!mic() && allowed) return micRefused ? undefined : publishMic();
    await room.localParticipant.setMicrophoneEnabled(allowed).catch(() => undefined);
  }

  /** Try again: the microphone that could not be opened (publishMic mutes it again when we are muted). */
  async function retryMic(quiet = false): Promise<void> {
    if (room.state !== 'connected' || v().connection !== 'connected' || mic()) return;
    micRefused = false;
    await publishMic(quiet);
  }

  function applyBitrate(): void {
    if (!bitrate) return;
    const sender = mic()?.track?.sender;
    if (!sender) return;
    void sender.setParameters(withMaxBitrate(sender.getParameters(), bitrate)).catch(() => undefined);
  }

  /**
   * What a remote audio publication should do for us: per-user volume and local mute for a voice, the same apart for a
   * watched stream's audio (as on Discord); deafen (self or server) silences both. Null for video.
   */
  function playbackFor(identity: string, source: Track.Source): { enabled: boolean; volume: number } | null {
    const hear = playbackAllowed(v());
    if (source === Track.Source.Microphone)
      return { enabled: hear && playback.localMutes[identity] !== true, volume: playback.volumes[identity] ?? 1 };
    if (source === Track.Source.ScreenShareAudio)
      return { enabled: hear && playback.streamMutes[identity] !== true, volume: playback.streamVolumes[identity] ?? 1 };
    return null;
  }

  /**
   * Applies playbackFor to a subscribed publication: a disabled one the SFU stops forwarding. `fresh`: the
   * subscription was just asked for. LiveKit starts every subscription forwarding, while livekit-client skips a
   * setEnabled equal to its last request, which it keeps from an earlier subscription of the same track (a stream
   * muted, unwatched and watched again): "off" is then stated afresh with the publication's current settings
   * (emitTrackUpdate, public in livekit-client's types though marked internal in its source). Not as "on" then "off":
   * the "on" would undo at once the "off" sent ahead of the subscription (sayOffBeforeSubscribing), and the "off"
   * after it would take effect 100 ms later.
   */
  function applyPlaybackTo(identity: string, pub: RemoteTrackPublication, fresh: boolean): void {
    const want = playbackFor(identity, pub.source);
    if (!want || !pub.isDesired) return;
    if (fresh && !want.enabled && !pub.isEnabled) pub.emitTrackUpdate();
    else pub.setEnabled(want.enabled);
    (pub.track as { setVolume?: (volume: number) => void } | undefined)?.setVolume?.(want.volume);
  }

  /**
   * A subscription we would turn off at once (a muted stream's audio, a voice while deafened) must start off: LiveKit
   * applies an "off" that reaches a subscription it has already set up 100 ms late (a debounce), long enough to
   * forward a blip of the audio, then a second of silence frames. An "off" sent just before the subscription request
   * is kept for the subscription the SFU makes next (unless its 3 s cleanup runs in the microseconds between the two
   * messages: then the "off" after it still comes, late). livekit-client has no public call for it (setEnabled needs
   * the subscription first), so it goes through the room's signal client, in order with the subscription request
   * (one queue); a room without one subscribes as before and is turned off right after. An upgrade of livekit-client
   * that changes this call fails the typecheck, and the e2e test of a muted stream watched again checks the effect.
   */
  function sayOffBeforeSubscribing(trackSid: string): void {
    type Settings = Parameters<Room['engine']['client']['sendUpdateTrackSettings']>[0];
    // A partial message: protobuf-es builds the UpdateTrackSettings from it (new SignalRequest({ message })).
    const off: Partial<Settings> = { trackSids: [trackSid], disabled: true };
    room.engine?.client.sendUpdateTrackSettings(off as Settings);
  }

  function applyPlayback(): void {
    for (const p of room.remoteParticipants.values()) {
      for (const source of [Track.Source.Microphone, Track.Source.ScreenShareAudio]) {
        const pub = p.getTrackPublication(source);
        if (pub) applyPlaybackTo(p.identity, pub, false);
      }
    }
  }

  /**
   * Subscribes to what this client wants (we connect with autoSubscribe off): every microphone and camera, a screen
   * share only once watched. Runs on connect and whenever a participant or track appears.
   */
  function applySubscriptions(): void {
    if (room.state !== 'connected') return;
    for (const p of room.remoteParticipants.values()) {
      for (const pub of p.trackPublications.values()) {
        const want = wantsSubscription(pub.source, watching.has(p.identity));
        if (pub.isDesired === want) continue;
        if (want && playbackFor(p.identity, pub.source)?.enabled === false) sayOffBeforeSubscribing(pub.trackSid);
        pub.setSubscribed(want);
        if (want) applyPlaybackTo(p.identity, pub, true);
      }
    }
    watchReport.sync();
  }

  /** Someone's screen share is live in the room now. */
  function streams(identity: string): boolean {
    return room.remoteParticipants.get(identity)?.getTrackPublication(Track.Source.ScreenShare) !== undefined;
  }

  // Voice channels show each streamer who watches (a call's two or three people see each other's tiles anyway). Only
  // streams live now count: a streamer who stopped or left is not reported, so the list stays short and true.
  const watchReport = createWatchReport({
    desired: () => {
      const s = v();
      if (s.connection !== 'connected' || !s.current || s.current.callId) return null;
      return [...watching].filter(streams).slice(0, MAX_WATCHING);
    },
    send: (list) => api.reportWatching(list),
  });

  /** Converges the room to the store's target: leave what we are in, then join the target (with a move's token if it has one). */
  async function converge(): Promise<void> {
    const target = v().target;
    const cur = v().current;
    if (cur && target && sameLocation(cur, target) && v().connection !== 'failed') return;
    if (room.state !== 'disconnected' || cur) {
      await disconnect();
      v().setCurrent(null);
      v().setParticipants([]);
      v().setMicError(null);
      if (watching.size > 0) {
        watching = new Set();
        notify();
      }
    }
    // Tell the server at once rather than waiting for LiveKit's participant_left webhook. Awaited: a join that
    // overtook this leave would be the session the server removes. A voice → voice switch needs none (the join moves
    // the voice state), but leaving a call, or a voice channel for a call, does: the server counts either as busy.
    if (cur?.callId) {
      if (cur.callId !== target?.callId) await api.leaveCall(cur.callId).catch(() => undefined);
    } else if (cur && (!target || target.callId)) await api.leave().catch(() => undefined);
    if (!target) {
      v().setConnection('idle');
      return;
    }
    v().setCurrent(
      target.callId
        ? { channelId: target.channelId, guildId: '', callId: target.callId }
        : { channelId: target.channelId, guildId: target.guildId },
    );
    v().setConnection('connecting');
    micRefused = false;
    micMissing = false;
    try {
      const { selfMute, selfDeaf } = v();
      // A move carries its own token (and a seat the server reserved even in a full channel); it is good once, and a
      // REST join would be refused by a full channel's user limit. A call's accept/start hands over its token too.
      const grant =
        target.grant ?? (target.callId ? await api.connectCall(target.callId) : await api.join(target.channelId, { selfMute, selfDeaf }));
      const now = v().target;
      if (!now || !sameLocation(now, target)) return;
      if (!target.grant && !target.callId && grant.channelId && grant.channelId !== target.channelId) {
        // A join-to-create channel: the server made (or found) our own channel and the token is for that one. Go there
        // with it, as after a move, so the app shows us in the channel we are really in.
        v().moveTo({
          channelId: grant.channelId,
          guildId: grant.guildId ?? target.guildId,
          grant: { url: grant.url, token: grant.token },
        });
        return;
      }
      // Subscriptions are ours (applySubscriptions): screen shares only for those who chose to watch them.
      await room.connect(grant.url, grant.token, { autoSubscribe: false });
      v().setConnection('connected');
      applySubscriptions();
      await publishMic();
      applyPlayback();
    } catch (err) {
      await disconnect().catch(() => undefined);
      const what = target.callId ? "Couldn't connect the call" : "Couldn't join voice";
      v().setConnection('failed', `${what}: ${deps.describeError(err)}`);
    }
  }

  function attach(): () => void {
    const onReconnecting = () => v().setConnection('reconnecting');
    const onReconnected = () => {
      v().setConnection('connected');
      // Tracks announced while the signal was resuming (the room not yet connected) were not subscribed then.
      applySubscriptions();
    };
    const onDisconnected = (reason?: DisconnectReason) => {
      if (leaving) return;
      // Not asked for: LiveKit gave up reconnecting, or the server removed us.
      const message = removalMessage(reason, v().removalReason, Boolean(v().current?.callId));
      v().noteRemovalReason(null);
      v().setConnection('failed', message);
      v().setParticipants([]);
    };
    const onTrackSubscribed = () => applyPlayback();
    const onPublished = () => applySubscriptions();
    // A stream that ended is no longer reported as watched.
    const onGone = () => watchReport.sync();
    // A moderator's server mute/deafen changes our LiveKit permissions; lifting it must republish the microphone.
    const onPermissions = () => void enqueue(applyMic);
    room.on(RoomEvent.Reconnecting, onReconnecting);
    room.on(RoomEvent.Reconnected, onReconnected);
    room.on(RoomEvent.Disconnected, onDisconnected);
    room.on(RoomEvent.TrackSubscribed, onTrackSubscribed);
    room.on(RoomEvent.TrackPublished, onPublished);
    room.on(RoomEvent.ParticipantConnected, onPublished);
    room.on(RoomEvent.TrackUnpublished, onGone);
    room.on(RoomEvent.ParticipantDisconnected, onGone);
    room.localParticipant.on('participantPermissionsChanged', onPermissions);
    // Listening only because no microphone was plugged in, and now there is one: try it without waiting for a click,
    // unless muted (unmuting asks). Checked when the step runs, not when queued: a room switch or an earlier try (a
    // denial) may have run in between, and each ask can be a prompt.
    const stopWatchingMicrophones = media.watchMicrophones(
      () =>
        void enqueue(async () => {
          if (micMissing && micRefused && micAllowed(v())) await retryMic(true);
        }),
    );

    const unsubscribe = store.subscribe((s, prev) => {
      if (s.target !== prev.target) void enqueue(converge);
      // Unmuting asks for a refused microphone again.
      if (micAllowed(s) && !micAllowed(prev)) micRefused = false;
      if (micAllowed(s) !== micAllowed(prev) || (s.connection === 'connected' && prev.connection !== 'connected')) void enqueue(applyMic);
      if (s.micRetries !== prev.micRetries) void enqueue(() => retryMic());
      if (
        s.connection === 'connected' &&
        !s.current?.callId &&
        (s.selfMute !== prev.selfMute || s.selfDeaf !== prev.selfDeaf || prev.connection !== 'connected')
      ) {
        void api.reportSelfState({ selfMute: s.selfMute, selfDeaf: s.selfDeaf }).catch(() => undefined);
      }
      if (playbackAllowed(s) !== playbackAllowed(prev)) applyPlayback();
      if (s.connection !== prev.connection || s.current !== prev.current) watchReport.sync();
      if (s.connection !== prev.connection || s.current !== prev.current || s.error !== prev.error || s.transmitting !== prev.transmitting)
        notify();
    });

    return () => {
      room.off(RoomEvent.Reconnecting, onReconnecting);
      room.off(RoomEvent.Reconnected, onReconnected);
      room.off(RoomEvent.Disconnected, onDisconnected);
      room.off(RoomEvent.TrackSubscribed, onTrackSubscribed);
      room.off(RoomEvent.TrackPublished, onPublished);
      room.off(RoomEvent.ParticipantConnected, onPublished);
      room.off(RoomEvent.TrackUnpublished, onGone);
      room.off(RoomEvent.ParticipantDisconnected, onGone);
      room.localParticipant.off('participantPermissionsChanged', onPermissions);
      stopWatchingMicrophones();
      unsubscribe();
    };
  }

  return {
    room,
    start() {
      if (detach) return;
      detach = attach();
      void enqueue(converge);
    },
    async stop() {
      detach?.();
      detach = null;
      watchReport.reset();
      await enqueue(async () => {
        await disconnect().catch(() => undefined);
        v().setCurrent(null);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot() {
      const s = v();
      snapshot ??= {
        connection: s.connection,
        channel: s.current,
        error: s.error,
        transmitting: s.transmitting && s.connection === 'connected',
        pttHeld,
        watching: [...watching],
      };
      return snapshot;
    },
    setPushToTalk(held) {
      if (pttHeld === held) return;
      pttHeld = held;
      gate?.setMode(media.gateMode(held));
      notify();
    },
    refreshGate() {
      gate?.setMode(media.gateMode(pttHeld));
    },
    setBitrate(next) {
      bitrate = next;
      if (v().connection === 'connected') applyBitrate();
    },
    setPlayback(next) {
      playback = next;
      applyPlayback();
    },
    async switchDevice(kind, deviceId) {
      if (room.state !== 'connected') return;
      await room.switchActiveDevice(kind, deviceId).catch(() => undefined);
    },
    async restartCapture() {
      const track = mic()?.track as LocalAudioTrack | undefined;
      await track?.restartTrack(media.captureOptions()).catch(() => undefined);
    },
    async setCamera(on) {
      if (room.state !== 'connected') return;
      if (!on) {
        await room.localParticipant.setCameraEnabled(false);
        return;
      }
      const { capture, publish } = await media.cameraOptions();
      await room.localParticipant.setCameraEnabled(true, capture, publish);
    },
    async setScreenShare(on) {
      if (room.state !== 'connected') return;
      if (!on) {
        await room.localParticipant.setScreenShareEnabled(false);
        return;
      }
      const { capture, publish } = media.screenOptions();
      await room.localParticipant.setScreenShareEnabled(true, capture, publish);
    },
    watchStream(identity, watch) {
      if (watching.has(identity) === watch) return;
      const next = new Set(watching);
      if (watch) next.add(identity);
      else next.delete(identity);
      watching = next;
      applySubscriptions();
      notify();
    },
    serverWatching(list) {
      watchReport.serverSays(list);
    },
    idle: () => chain,
  };
}
