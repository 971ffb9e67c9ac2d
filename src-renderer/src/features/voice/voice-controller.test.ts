import { DisconnectReason, RoomEvent, Track } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import type { GateMode } from './gate-processor';
import { MAX_WATCHING as SERVER_MAX_WATCHING } from '@shared/api/voice';
import {
  createVoiceController,
  MAX_WATCHING,
  type GateLike,
  type Playback,
  type RoomLike,
  type VoiceControllerDeps,
} from './voice-controller';
import { createVoiceStore } from './voice.store';

type Listener = (...args: unknown[]) => void;

/** Node's EventEmitter surface that livekit-client's Room and Participant use (the renderer has no node:events). */
class EventEmitter {
  private readonly map = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.map.set(event, [...(this.map.get(event) ?? []), listener]);
    return this;
  }
  off(event: string, listener: Listener): this {
    const list = this.map.get(event) ?? [];
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.map.delete(event);
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    const list = [...(this.map.get(event) ?? [])];
    for (const l of list) l(...args);
    return list.length > 0;
  }
  listenerCount(): number {
    return [...this.map.values()].reduce((n, list) => n + list.length, 0);
  }
}

/**
 * A fake of the parts of livekit-client's Room the controller uses: an EventEmitter with connect/disconnect that move
 * `state` and emit what LiveKit emits, a local participant whose microphone publication appears when enabled, and
 * remote participants with subscribed microphone publications.
 */
class FakeLocalParticipant extends EventEmitter {
  permissions: { canPublish: boolean } | undefined = { canPublish: true };
  micEnabled = false;
  published = false;
  processor: unknown = null;
  readonly calls: { enabled: boolean; publishOptions?: unknown }[] = [];
  readonly sender = {
    params: { encodings: [{}] } as { encodings: { maxBitrate?: number }[] },
    getParameters: () => this.sender.params,
    setParameters: async (p: { encodings: { maxBitrate?: number }[] }) => void (this.sender.params = p),
  };
  readonly track = {
    sender: this.sender,
    setProcessor: async (p: unknown) => void (this.processor = p),
    restartTrack: vi.fn(async () => undefined),
  };

  /** Set: opening the microphone fails with it, as getUserMedia does (no device, access denied). */
  micFailure: Error | null = null;

  async setMicrophoneEnabled(enabled: boolean, _capture?: unknown, publishOptions?: unknown) {
    this.calls.push({ enabled, publishOptions });
    if (enabled && !this.published && this.micFailure) throw this.micFailure;
    this.micEnabled = enabled;
    if (enabled) this.published = true;
  }

  getTrackPublication(source: Track.Source) {
    return source === Track.Source.Microphone && this.published ? { track: this.track } : undefined;
  }
}

let sids = 0;

/**
 * A remote publication as the controller sees it: a source, the client's wish to receive it, and its playback. Like
 * livekit-client, setEnabled does nothing while the track is not wanted or when it repeats the last request, which
 * outlives an unsubscription; `sent` lists the `disabled` settings that reached the SFU since the last subscribe.
 * Like LiveKit, a subscription starts forwarding unless the last setting sent before it said "disabled" (`early`);
 * an "off" after it takes effect late, so a subscription that started on has forwarded some audio.
 */
class FakePublication {
  isDesired = false;
  volume = 1;
  requestedDisabled: boolean | undefined = undefined;
  sent: boolean[] = [];
  /** Settings sent while not subscribed, the last of which the SFU keeps for the next subscription. */
  early: boolean[] = [];
  startedOff = false;
  readonly trackSid = `TR_${++sids}`;
  readonly track = { setVolume: (v: number) => void (this.volume = v) };
  constructor(readonly source: Track.Source) {}
  get enabled(): boolean {
    return this.requestedDisabled !== true;
  }
  /** Whether the SFU forwards it to us now: subscribed, and the last setting it holds is not "disabled". */
  get forwarded(): boolean {
    return this.isDesired && (this.sent.length > 0 ? this.sent.at(-1) !== true : !this.startedOff);
  }
  /** Whether the SFU forwarded any of it since the subscription: it started on, or was turned on later. */
  get forwardedSinceSubscribe(): boolean {
    return this.isDesired && (!this.startedOff || this.sent.includes(false));
  }
  setSubscribed(want: boolean) {
    this.isDesired = want;
    this.startedOff = want && this.early.at(-1) === true;
    this.sent = [];
    this.early = [];
  }
  setEnabled(e: boolean) {
    if (!this.isDesired || this.requestedDisabled === !e) return;
    this.requestedDisabled = !e;
    this.emitTrackUpdate();
  }
  /** Sends the current settings as they are. */
  emitTrackUpdate() {
    this.sent.push(!this.enabled);
  }
  get isEnabled(): boolean {
    return this.enabled;
  }
}

class FakeRemoteParticipant {
  readonly trackPublications = new Map<string, FakePublication>();
  /** The microphone, subscribed from the start. */
  readonly publication = new FakePublication(Track.Source.Microphone);
  constructor(readonly identity: string) {
    this.publication.isDesired = true;
  }
  getTrackPublication(source: Track.Source) {
    const published = [...this.trackPublications.values()].find((p) => p.source === source);
    return source === Track.Source.Microphone ? (published ?? this.publication) : published;
  }
}

class FakeRoom extends EventEmitter {
  state: 'disconnected' | 'connecting' | 'connected' | 'reconnecting' = 'disconnected';
  /** livekit-client's signal client: settings reach the publication with that track id. */
  readonly engine = {
    client: {
      sendUpdateTrackSettings: (settings: { trackSids: string[]; disabled: boolean }) => {
        for (const p of this.remoteParticipants.values()) {
          for (const pub of p.trackPublications.values()) {
            if (settings.trackSids.includes(pub.trackSid)) (pub.isDesired ? pub.sent : pub.early).push(settings.disabled);
          }
        }
      },
    },
  };
  readonly localParticipant = new FakeLocalParticipant();
  readonly remoteParticipants = new Map<string, FakeRemoteParticipant>();
  readonly connects: { url: string; token: string }[] = [];
  failNextConnect: Error | null = null;
  switched: [string, string][] = [];

  async connect(url: string, token: string) {
    this.connects.push({ url, token });
    if (this.failNextConnect) {
      const err = this.failNextConnect;
      this.failNextConnect = null;
      throw err;
    }
    this.state = 'connected';
  }

  async disconnect() {
    if (this.state === 'disconnected') return;
    this.state = 'disconnected';
    this.localParticipant.published = false;
    this.emit(RoomEvent.Disconnected, DisconnectReason.CLIENT_INITIATED);
  }

  async switchActiveDevice(kind: string, deviceId: string) {
    this.switched.push([kind, deviceId]);
    return true;
  }

  /** The server (or LiveKit giving up) ends the session. */
  dropBy(reason: DisconnectReason) {
    this.state = 'disconnected';
    this.emit(RoomEvent.Disconnected, reason);
  }

  addRemote(identity: string) {
    const p = new FakeRemoteParticipant(identity);
    this.remoteParticipants.set(identity, p);
    this.emit(RoomEvent.TrackSubscribed);
    return p;
  }

  /** A remote participant publishes a track (LiveKit's TrackPublished); returns the publication. */
  publish(identity: string, source: Track.Source) {
    const p = this.remoteParticipants.get(identity) ?? this.addRemote(identity);
    const pub = new FakePublication(source);
    p.trackPublications.set(`${identity}:${source}`, pub);
    this.emit(RoomEvent.TrackPublished, pub, p);
    return pub;
  }

  /** A remote participant stops a track (LiveKit's TrackUnpublished). */
  unpublish(identity: string, source: Track.Source) {
    const p = this.remoteParticipants.get(identity);
    const pub = p?.getTrackPublication(source);
    if (!p || !pub) return;
    p.trackPublications.delete(`${identity}:${source}`);
    this.emit(RoomEvent.TrackUnpublished, pub, p);
  }

  listeners_(): number {
    return this.listenerCount() + this.localParticipant.listenerCount();
  }
}

const noPlayback: Playback = { volumes: {}, localMutes: {}, streamVolumes: {}, streamMutes: {} };

function setup() {
  const room = new FakeRoom();
  const store = createVoiceStore();
  const gateModes: GateMode[] = [];
  let onGate: ((open: boolean) => void) | null = null;
  const microphoneWatchers = new Set<() => void>();
  const api = {
    join: vi.fn(async (channelId: string) => ({ url: 'ws://sfu', token: `rest-token-${channelId}` })),
    leave: vi.fn(async () => undefined),
    reportSelfState: vi.fn(async () => undefined),
    reportWatching: vi.fn(async (list: string[]): Promise<readonly string[]> => list),
    connectCall: vi.fn(async (callId: string) => ({ url: 'ws://sfu', token: `call-token-${callId}` })),
    leaveCall: vi.fn(async (_callId: string) => undefined),
  };
  const deps: VoiceControllerDeps = {
    room: room as unknown as RoomLike,
    store,
    api,
    media: {
      captureOptions: () => ({}),
      publishOptions: () => ({ audioPreset: { maxBitrate: 64_000 } }),
      gateMode: (held): GateMode => ({ kind: 'ptt', held, releaseMs: 0 }),
      createGate: (onOpen) => {
        onGate = onOpen;
        return { name: 'fake-gate', setMode: (m: GateMode) => void gateModes.push(m) } as unknown as GateLike;
      },
      cameraOptions: async () => ({ capture: {}, publish: {} }),
      screenOptions: () => ({ capture: {}, publish: {} }),
      describeMicError: (err) => `mic: ${err instanceof Error ? err.message : String(err)}`,
      watchMicrophones: (onAvailable) => {
        microphoneWatchers.add(onAvailable);
        return () => microphoneWatchers.delete(onAvailable);
      },
    },
    describeError: (err) => (err instanceof Error ? err.message : String(err)),
  };
  const controller = createVoiceController(deps);
  /** The system's devices changed and an audio input is among them. */
  const microphoneAppears = () => {
    for (const watcher of microphoneWatchers) watcher();
  };
  return { room, store, api, controller, gateModes, gate: (open: boolean) => onGate?.(open), microphoneAppears, microphoneWatchers };
}

describe('voice controller (fake room)', () => {
  it('when others publish a camera and a screen share, then the camera is received and the stream only once watched', async () => {
    const { room, store, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    const mic = room.publish('bob', Track.Source.Microphone);
    const camera = room.publish('bob', Track.Source.Camera);
    const screen = room.publish('bob', Track.Source.ScreenShare);
    const screenAudio = room.publish('bob', Track.Source.ScreenShareAudio);
    expect([mic.isDesired, camera.isDesired, screen.isDesired, screenAudio.isDesired]).toEqual([true, true, false, false]);

    controller.watchStream('bob', true);
    expect([screen.isDesired, screenAudio.isDesired]).toEqual([true, true]);
    expect(controller.getSnapshot().watching).toEqual(['bob']);

    controller.watchStream('bob', false);
    expect([screen.isDesired, screenAudio.isDesired, camera.isDesired]).toEqual([false, false, true]);
    expect(controller.getSnapshot().watching).toEqual([]);
  });

  it('when we leave a channel while watching a stream, then the next room starts with no stream watched', async () => {
    const { store, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    controller.watchStream('bob', true);
    store.getState().join('c2', 'g1');
    await controller.idle();
    expect(controller.getSnapshot().watching).toEqual([]);
  });

  it('when I watch streams in a voice channel, then the server is told which of them are live; once it shows my session; not in a call', async () => {
    const { room, store, api, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    room.publish('bob', Track.Source.ScreenShare);
    room.publish('cat', Track.Source.ScreenShare);
    controller.watchStream('bob', true);
    // The server has not shown my session yet: it would not keep the list.
    expect(api.reportWatching).not.toHaveBeenCalled();
    controller.serverWatching([]);
    expect(api.reportWatching).toHaveBeenLastCalledWith(['bob']);
    await Promise.resolve();
    controller.watchStream('cat', true);
    await vi.waitFor(() => expect(api.reportWatching).toHaveBeenLastCalledWith(['bob', 'cat']));
    // Bob stops streaming: he is no longer reported, though a restart shows his stream again at once.
    room.unpublish('bob', Track.Source.ScreenShare);
    await vi.waitFor(() => expect(api.reportWatching).toHaveBeenLastCalledWith(['cat']));
    expect(controller.getSnapshot().watching).toEqual(['bob', 'cat']);

    // Never more than the server takes.
    expect(MAX_WATCHING).toBe(SERVER_MAX_WATCHING);
    for (let i = 0; i < 30; i++) {
      room.publish(`s${i}`, Track.Source.ScreenShare);
      controller.watchStream(`s${i}`, true);
    }
    await vi.waitFor(() => expect(api.reportWatching.mock.calls.at(-1)?.[0]).toHaveLength(MAX_WATCHING));

    api.reportWatching.mockClear();
    store.getState().joinCall({ callId: 'k1', channelId: 'dm1', grant: { url: 'ws://sfu', token: 't' } });
    await controller.idle();
    room.publish('dan', Track.Source.ScreenShare);
    controller.watchStream('dan', true);
    controller.serverWatching([]);
    expect(api.reportWatching).not.toHaveBeenCalled();
  });

  it('when the user joins a channel, then it asks the server for a token, connects, publishes the gated mic and reports its state', async () => {
    const { room, store, api, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    expect(api.join).toHaveBeenCalledWith('c1', { selfMute: false, selfDeaf: false });
    expect(room.connects).toEqual([{ url: 'ws://sfu', token: 'rest-token-c1' }]);
    expect(store.getState()).toMatchObject({ connection: 'connected', current: { channelId: 'c1', guildId: 'g1' }, error: null });
    expect(room.localParticipant.micEnabled).toBe(true);
    expect(room.localParticipant.processor).toMatchObject({ name: 'fake-gate' });
    expect(api.reportSelfState).toHaveBeenCalledWith({ selfMute: false, selfDeaf: false });
    expect(controller.getSnapshot()).toMatchObject({ connection: 'connected', channel: { channelId: 'c1' } });
  });

  it('when the browser gives no microphone, then we stay connected and listen, the store says why, and Try again or unmuting asks again', async () => {
    const { room, store, controller } = setup();
    room.localParticipant.micFailure = new DOMException('Permission denied', 'NotAllowedError');
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    expect(store.getState()).toMatchObject({ connection: 'connected', error: null, micError: 'mic: Permission denied' });
    expect(room.state).toBe('connected');
    // Asked once: not again on the steps queued by the join, nor when LiveKit reports our permissions (each ask can be
    // a browser prompt).
    room.localParticipant.emit('participantPermissionsChanged');
    await controller.idle();
    expect(room.localParticipant.calls.filter((c) => c.enabled)).toHaveLength(1);
    const bob = room.addRemote('bob');
    expect(bob.publication.enabled).toBe(true);

    // Still refused: the reason stays, and it is counted (the panel says "Still no microphone").
    expect(store.getState().micFailures).toBe(1);
    store.getState().retryMic();
    await controller.idle();
    expect(store.getState()).toMatchObject({ micError: 'mic: Permission denied', micFailures: 2 });
    expect(room.localParticipant.published).toBe(false);
    expect(room.localParticipant.calls.filter((c) => c.enabled)).toHaveLength(2);

    // Muted, then allowed in the browser and unmuted: published, and the notice goes.
    store.getState().toggleMute();
    await controller.idle();
    room.localParticipant.micFailure = null;
    store.getState().toggleMute();
    await controller.idle();
    expect(room.localParticipant).toMatchObject({ published: true, micEnabled: true });
    expect(store.getState()).toMatchObject({ micError: null, micFailures: 0 });
  });

  it('when the microphone is plugged in while muted, then Try again publishes it and leaves it muted', async () => {
    const { room, store, controller } = setup();
    room.localParticipant.micFailure = new DOMException('Requested device not found', 'NotFoundError');
    controller.start();
    store.getState().toggleMute();
    store.getState().join('c1', 'g1');
    await controller.idle();
    expect(store.getState().micError).toBe('mic: Requested device not found');
    room.localParticipant.micFailure = null;
    store.getState().retryMic();
    await controller.idle();
    expect(room.localParticipant).toMatchObject({ published: true, micEnabled: false });
    expect(store.getState().micError).toBeNull();
    // Another channel: asked again there; leaving clears the notice.
    room.localParticipant.micFailure = new DOMException('Requested device not found', 'NotFoundError');
    store.getState().join('c2', 'g1');
    await controller.idle();
    expect(store.getState()).toMatchObject({ current: { channelId: 'c2' }, micError: 'mic: Requested device not found' });
    store.getState().leave();
    await controller.idle();
    expect(store.getState().micError).toBeNull();
  });

  it('when listening only for want of a microphone and one is plugged in, then it is published without a click', async () => {
    const { room, store, controller, microphoneAppears } = setup();
    room.localParticipant.micFailure = new DOMException('Requested device not found', 'NotFoundError');
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    expect(store.getState()).toMatchObject({ micError: 'mic: Requested device not found', micFailures: 1 });

    // A change that brings no usable microphone (the device cannot be opened yet): the notice stays as it was, not
    // "Still no microphone" for a try the user did not ask for.
    microphoneAppears();
    await controller.idle();
    expect(room.localParticipant.calls.filter((c) => c.enabled)).toHaveLength(2);
    expect(store.getState()).toMatchObject({ micError: 'mic: Requested device not found', micFailures: 1 });

    room.localParticipant.micFailure = null;
    microphoneAppears();
    await controller.idle();
    expect(room.localParticipant).toMatchObject({ published: true, micEnabled: true });
    expect(store.getState()).toMatchObject({ micError: null, micFailures: 0 });
    // Published: later device changes ask nothing.
    microphoneAppears();
    await controller.idle();
    expect(room.localParticipant.calls.filter((c) => c.enabled)).toHaveLength(3);
  });

  it('when muted, then a microphone plugged in is not opened until unmuting', async () => {
    const { room, store, controller, microphoneAppears } = setup();
    room.localParticipant.micFailure = new DOMException('Requested device not found', 'NotFoundError');
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    store.getState().toggleMute();
    await controller.idle();
    room.localParticipant.micFailure = null;
    microphoneAppears();
    await controller.idle();
    expect(room.localParticipant.calls.filter((c) => c.enabled)).toHaveLength(1);
    store.getState().toggleMute();
    await controller.idle();
    expect(room.localParticipant).toMatchObject({ published: true, micEnabled: true });
  });

  it('when a microphone is plugged in during a switch to a room that is then denied it, then that room asks once', async () => {
    const { room, store, controller, microphoneAppears } = setup();
    room.localParticipant.micFailure = new DOMException('Requested device not found', 'NotFoundError');
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    const asksBefore = room.localParticipant.calls.filter((c) => c.enabled).length;
    room.localParticipant.micFailure = new DOMException('Permission denied', 'NotAllowedError');
    store.getState().join('c2', 'g1');
    microphoneAppears(); // queued behind the switch, which asks (and is denied) first
    await controller.idle();
    expect(store.getState()).toMatchObject({ current: { channelId: 'c2' }, micError: 'mic: Permission denied' });
    expect(room.localParticipant.calls.filter((c) => c.enabled)).toHaveLength(asksBefore + 1);
  });

  it('when the microphone was denied, then a device change does not ask again (each ask can be a prompt)', async () => {
    const { room, store, controller, microphoneAppears, microphoneWatchers } = setup();
    room.localParticipant.micFailure = new DOMException('Permission denied', 'NotAllowedError');
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    microphoneAppears();
    await controller.idle();
    expect(room.localParticipant.calls.filter((c) => c.enabled)).toHaveLength(1);
    expect(store.getState()).toMatchObject({ micError: 'mic: Permission denied', micFailures: 1 });
    await controller.stop();
    expect(microphoneWatchers.size).toBe(0);
  });

  it('when a moderator moves us (VOICE_MOVE), then it leaves and connects with the token the move carries, without a REST join', async () => {
    const { room, store, api, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    store.getState().moveTo({ channelId: 'full', guildId: 'g1', grant: { url: 'ws://sfu-2', token: 'move-token' } });
    await controller.idle();
    expect(api.join).toHaveBeenCalledTimes(1);
    expect(room.connects.at(-1)).toEqual({ url: 'ws://sfu-2', token: 'move-token' });
    expect(store.getState()).toMatchObject({ connection: 'connected', current: { channelId: 'full' } });
  });

  it('when the user joins a join-to-create channel, then it follows the answer into the channel the server made for them', async () => {
    const { room, store, api, controller } = setup();
    api.join.mockImplementationOnce(async () => ({ url: 'ws://sfu', token: 'own-token', channelId: 'own', guildId: 'g1' }));
    controller.start();
    store.getState().join('lobby', 'g1');
    await controller.idle();
    expect(api.join).toHaveBeenCalledTimes(1);
    expect(room.connects).toEqual([{ url: 'ws://sfu', token: 'own-token' }]);
    expect(store.getState()).toMatchObject({ connection: 'connected', current: { channelId: 'own', guildId: 'g1' } });
    expect(store.getState().target?.channelId).toBe('own');
  });

  it('when the user mutes, deafens and undeafens, then the mic track follows, deafen stops every remote track, and the server is told', async () => {
    const { room, store, api, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    const bob = room.addRemote('bob');
    controller.setPlayback({ ...noPlayback, volumes: { bob: 1.5 } });
    expect(bob.publication).toMatchObject({ enabled: true, volume: 1.5 });

    store.getState().toggleMute();
    await controller.idle();
    expect(room.localParticipant.micEnabled).toBe(false);
    expect(api.reportSelfState).toHaveBeenLastCalledWith({ selfMute: true, selfDeaf: false });

    store.getState().toggleDeafen();
    await controller.idle();
    expect(bob.publication.enabled).toBe(false);
    expect(api.reportSelfState).toHaveBeenLastCalledWith({ selfMute: true, selfDeaf: true });

    store.getState().toggleDeafen();
    store.getState().toggleMute();
    await controller.idle();
    expect(bob.publication.enabled).toBe(true);
    expect(room.localParticipant.micEnabled).toBe(true);
  });

  it('when a user is muted locally, then only that user is silenced', async () => {
    const { room, store, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    const bob = room.addRemote('bob');
    const carol = room.addRemote('carol');
    controller.setPlayback({ ...noPlayback, localMutes: { bob: true } });
    expect(bob.publication.enabled).toBe(false);
    expect(carol.publication.enabled).toBe(true);
  });

  it("when a watched stream has audio, then its own volume and mute apply to it and not to the streamer's voice, and deafen silences both", async () => {
    const { room, store, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    const bob = room.addRemote('bob');
    const streamAudio = room.publish('bob', Track.Source.ScreenShareAudio);
    expect(streamAudio.isDesired).toBe(false);
    controller.watchStream('bob', true);
    expect(streamAudio.forwarded).toBe(true);
    controller.setPlayback({ ...noPlayback, volumes: { bob: 0.8 }, streamVolumes: { bob: 0.4 } });
    expect(streamAudio).toMatchObject({ enabled: true, volume: 0.4 });
    expect(bob.publication).toMatchObject({ enabled: true, volume: 0.8 });

    // Muting the voice leaves the stream; muting the stream leaves the voice.
    controller.setPlayback({ ...noPlayback, localMutes: { bob: true } });
    expect(streamAudio).toMatchObject({ forwarded: true, volume: 1 });
    expect(bob.publication.forwarded).toBe(false);
    controller.setPlayback({ ...noPlayback, streamMutes: { bob: true } });
    expect(streamAudio.forwarded).toBe(false);
    expect(bob.publication.forwarded).toBe(true);

    controller.setPlayback(noPlayback);
    store.getState().toggleDeafen();
    await controller.idle();
    expect(streamAudio.forwarded).toBe(false);
    expect(bob.publication.forwarded).toBe(false);
    store.getState().toggleDeafen();
    await controller.idle();
    expect(streamAudio.forwarded).toBe(true);
  });

  it('when a track is announced while the signal resumes, then it is subscribed once the room is connected again', async () => {
    const { room, store, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    room.state = 'reconnecting';
    const camera = room.publish('bob', Track.Source.Camera);
    expect(camera.isDesired).toBe(false);
    room.state = 'connected';
    room.emit(RoomEvent.Reconnected);
    expect(camera.isDesired).toBe(true);
  });

  it('when a muted stream is unwatched and watched again, or first watched while deafened, then its audio is not forwarded', async () => {
    const { room, store, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    const streamAudio = room.publish('bob', Track.Source.ScreenShareAudio);
    controller.setPlayback({ ...noPlayback, streamMutes: { bob: true } });
    // Not watched: nothing to ask of the SFU (livekit-client would only warn).
    expect(streamAudio.sent).toEqual([]);
    // Each subscription starts off ("off" before it: the SFU applies an "off" after it 100 ms late).
    controller.watchStream('bob', true);
    expect(streamAudio.forwardedSinceSubscribe).toBe(false);
    controller.watchStream('bob', false);
    controller.watchStream('bob', true);
    // livekit-client still holds "disabled" from the first subscription; the SFU's new one is told again, never "on".
    expect(streamAudio.sent).toEqual([true]);
    expect(streamAudio.forwardedSinceSubscribe).toBe(false);

    controller.watchStream('bob', false);
    controller.setPlayback(noPlayback);
    store.getState().toggleDeafen();
    await controller.idle();
    controller.watchStream('bob', true);
    expect(streamAudio.forwardedSinceSubscribe).toBe(false);
    // A voice that joins while we are deafened: none of it either.
    const carol = room.publish('carol', Track.Source.Microphone);
    expect(carol.isDesired).toBe(true);
    expect(carol.forwardedSinceSubscribe).toBe(false);
    // Undeafened: both play.
    store.getState().toggleDeafen();
    await controller.idle();
    expect(streamAudio.forwarded).toBe(true);
    expect(carol.forwarded).toBe(true);
  });

  it('when push-to-talk goes down and up, then the gate follows and the snapshot says so', async () => {
    const { store, controller, gateModes, gate } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    const seen: boolean[] = [];
    const off = controller.subscribe(() => seen.push(controller.getSnapshot().pttHeld));
    controller.setPushToTalk(true);
    controller.setPushToTalk(true);
    gate(true);
    expect(controller.getSnapshot()).toMatchObject({ pttHeld: true, transmitting: true });
    controller.setPushToTalk(false);
    gate(false);
    off();
    expect(gateModes.slice(-2)).toEqual([
      { kind: 'ptt', held: true, releaseMs: 0 },
      { kind: 'ptt', held: false, releaseMs: 0 },
    ]);
    expect(seen.filter((held, i) => held !== seen[i - 1])).toEqual([true, false]);
    expect(controller.getSnapshot()).toMatchObject({ pttHeld: false, transmitting: false });
  });

  it('when the server removes us, then the connection fails with the announced reason; a lost connection says how to rejoin', async () => {
    const { room, store, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    store.getState().noteRemovalReason('This voice channel is full.');
    room.dropBy(DisconnectReason.PARTICIPANT_REMOVED);
    expect(store.getState()).toMatchObject({ connection: 'failed', error: 'This voice channel is full.', removalReason: null });

    store.getState().join('c1', 'g1');
    await controller.idle();
    expect(store.getState().connection).toBe('connected');
    room.dropBy(DisconnectReason.UNKNOWN_REASON);
    expect(store.getState().error).toMatch(/click the channel to rejoin/);
  });

  it('when LiveKit reconnects, then the state goes reconnecting and back to connected, and the server is told our state again', async () => {
    const { room, store, api, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    room.emit(RoomEvent.Reconnecting);
    expect(controller.getSnapshot().connection).toBe('reconnecting');
    room.emit(RoomEvent.Reconnected);
    await controller.idle();
    expect(controller.getSnapshot().connection).toBe('connected');
    expect(api.reportSelfState).toHaveBeenCalledTimes(2);
  });

  it('when a server mute is lifted by a permission change, then the microphone is published again', async () => {
    const { room, store, controller } = setup();
    room.localParticipant.permissions = { canPublish: false };
    store.getState().setServerFlags({ serverMute: true });
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    expect(room.localParticipant.published).toBe(false);
    // The gateway says unmuted before LiveKit grants publishing again: only the permission event can republish.
    store.getState().setServerFlags({ serverMute: false });
    await controller.idle();
    expect(room.localParticipant.published).toBe(false);
    room.localParticipant.permissions = { canPublish: true };
    room.localParticipant.emit('participantPermissionsChanged');
    await controller.idle();
    expect(room.localParticipant).toMatchObject({ published: true, micEnabled: true });
  });

  it('when the join fails, then the connection is failed with the reason and the room is left', async () => {
    const { room, store, controller } = setup();
    controller.start();
    await controller.idle();
    room.failNextConnect = new Error('could not establish pc connection');
    store.getState().join('c1', 'g1');
    await controller.idle();
    expect(store.getState()).toMatchObject({ connection: 'failed', error: "Couldn't join voice: could not establish pc connection" });
    expect(room.state).toBe('disconnected');
  });

  it('when the user leaves, then the room is left, the server told at once, and the state is idle', async () => {
    const { room, store, api, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    store.getState().leave();
    await controller.idle();
    expect(room.state).toBe('disconnected');
    expect(api.leave).toHaveBeenCalledTimes(1);
    expect(store.getState()).toMatchObject({ connection: 'idle', current: null });
  });

  it('when the user accepts a DM call while in a voice channel, then it leaves voice (told at once), connects to the call room with its token, and reports no voice state', async () => {
    const { room, store, api, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    api.reportSelfState.mockClear();
    store.getState().joinCall({ callId: 'k1', channelId: 'dm1', grant: { url: 'ws://sfu', token: 'accept-token' } });
    await controller.idle();
    expect(api.leave).toHaveBeenCalledTimes(1);
    expect(api.connectCall).not.toHaveBeenCalled();
    expect(room.connects.at(-1)).toEqual({ url: 'ws://sfu', token: 'accept-token' });
    expect(store.getState()).toMatchObject({ connection: 'connected', current: { channelId: 'dm1', guildId: '', callId: 'k1' } });
    store.getState().toggleMute();
    await controller.idle();
    expect(room.localParticipant.micEnabled).toBe(false);
    expect(api.reportSelfState).not.toHaveBeenCalled();
  });

  it('when the user joins a voice channel during a call, then the call is hung up first; a call rejoined without a token asks connectCall', async () => {
    const { room, store, api, controller } = setup();
    controller.start();
    store.getState().joinCall({ callId: 'k1', channelId: 'dm1' });
    await controller.idle();
    expect(api.connectCall).toHaveBeenCalledWith('k1');
    expect(room.connects.at(-1)).toEqual({ url: 'ws://sfu', token: 'call-token-k1' });
    store.getState().join('c1', 'g1');
    await controller.idle();
    expect(api.leaveCall).toHaveBeenCalledWith('k1');
    expect(api.leave).not.toHaveBeenCalled();
    expect(store.getState()).toMatchObject({ connection: 'connected', current: { channelId: 'c1', guildId: 'g1' } });
  });

  it('when the user hangs up a call, then the room is left and the call left on the server', async () => {
    const { room, store, api, controller } = setup();
    controller.start();
    store.getState().joinCall({ callId: 'k1', channelId: 'dm1', grant: { url: 'ws://sfu', token: 't' } });
    await controller.idle();
    store.getState().leave();
    await controller.idle();
    expect(room.state).toBe('disconnected');
    expect(api.leaveCall).toHaveBeenCalledWith('k1');
    expect(api.leave).not.toHaveBeenCalled();
    expect(store.getState()).toMatchObject({ connection: 'idle', current: null });
  });

  it('when the channel bitrate changes while connected, then the live encoder is re-capped', async () => {
    const { room, store, controller } = setup();
    controller.start();
    store.getState().join('c1', 'g1');
    await controller.idle();
    controller.setBitrate(32_000);
    await Promise.resolve();
    expect(room.localParticipant.sender.params.encodings).toEqual([{ maxBitrate: 32_000 }]);
  });

  it('when stopped, then every room, participant and store listener is removed and the room is left (no leak, no reaction)', async () => {
    const { room, store, api, controller } = setup();
    expect(room.listeners_()).toBe(0);
    controller.start();
    controller.start();
    expect(room.listeners_()).toBe(9);
    store.getState().join('c1', 'g1');
    await controller.idle();
    await controller.stop();
    expect(room.listeners_()).toBe(0);
    expect(room.state).toBe('disconnected');
    store.getState().join('c2', 'g1');
    await controller.idle();
    expect(api.join).toHaveBeenCalledTimes(1);

    // Started again (React StrictMode mounts twice): it converges to the target once more.
    controller.start();
    await controller.idle();
    expect(room.connects.at(-1)).toEqual({ url: 'ws://sfu', token: 'rest-token-c2' });
    await controller.stop();
    expect(room.listeners_()).toBe(0);
  });
});
