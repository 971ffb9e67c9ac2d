import { createStore, type StoreApi } from 'zustand/vanilla';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';
export type Quality = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';

/** A call participant as the UI needs it: plain data mirrored from LiveKit's Participant objects. */
export interface CallParticipant {
  identity: string;
  name: string;
  isLocal: boolean;
  speaking: boolean;
  /** Microphone not published or muted. */
  muted: boolean;
}

export interface RecordingInfo {
  recordingId: string;
  startedBy: { id: string; displayName: string };
  startedAt: string;
}

/** Where to connect without asking the server for a token: a moderator's move comes with one (VOICE_MOVE). */
export interface VoiceGrant {
  url: string;
  token: string;
  /** The channel the token is for, when the server says so (a join-to-create channel answers for another channel). */
  channelId?: string;
  guildId?: string;
}

export interface VoiceTarget {
  /** The voice channel, or for a call the DM channel the call is in. */
  channelId: string;
  /** The voice channel's guild; '' for a call (a DM belongs to no guild). */
  guildId: string;
  /** Set when the server already issued the token (a move, a call's accept/start); else the controller asks for one. */
  grant?: VoiceGrant;
  /**
   * Set for a DM call (features/calls): the same engine connects to the call's own LiveKit room, so a call and a voice
   * channel are never connected at once (joining one leaves the other).
   */
  callId?: string;
}

/** Where the room is (or is being) connected: a voice channel, or a call (callId set, guildId ''). */
export type VoiceLocation = Omit<VoiceTarget, 'grant'>;

export interface VoiceState {
  /** The channel the user asked to be in; the room hook converges the LiveKit room to it. */
  target: VoiceTarget | null;
  /** The channel the room is actually connected (or connecting) to. */
  current: VoiceLocation | null;
  connection: ConnectionState;
  error: string | null;
  selfMute: boolean;
  selfDeaf: boolean;
  /** Set by the server (moderator action); the client enforces it even before LiveKit revokes permissions. */
  serverMute: boolean;
  serverDeaf: boolean;
  /** Whether our outgoing audio is currently open (VAD gate or push-to-talk). */
  transmitting: boolean;
  participants: Record<string, CallParticipant>;
  quality: Quality;
  pingMs: number | null;
  recording: RecordingInfo | null;
  /** Why the server is about to remove us (VOICE_DISCONNECT), shown instead of the generic message. */
  removalReason: string | null;
  /**
   * Why the microphone could not be opened (no device, access denied, a page over plain http) while we stay connected
   * and listen; null when it is published or was never asked for.
   */
  micError: string | null;
  /** How many times in a row the microphone could not be opened in this room (a Try again that fails again says so). */
  micFailures: number;
  /** Bumped by retryMic(): the controller tries the microphone again. */
  micRetries: number;
}

export interface VoiceActions {
  join(channelId: string, guildId: string): void;
  /** Connect to a DM call (leaving any voice channel or other call first); `grant` from accept/start/connect. */
  joinCall(call: { callId: string; channelId: string; grant?: VoiceGrant }): void;
  /** A moderator moved us: go to that channel with the token the server sent (used once). */
  moveTo(target: Required<Omit<VoiceTarget, 'callId'>>): void;
  leave(): void;
  toggleMute(): void;
  toggleDeafen(): void;
  setConnection(connection: ConnectionState, error?: string | null): void;
  setCurrent(current: VoiceState['current']): void;
  setParticipants(list: CallParticipant[]): void;
  setStats(stats: { quality?: Quality; pingMs?: number | null }): void;
  setServerFlags(flags: { serverMute?: boolean; serverDeaf?: boolean }): void;
  setTransmitting(open: boolean): void;
  setRecording(recording: RecordingInfo | null): void;
  noteRemovalReason(reason: string | null): void;
  setMicError(error: string | null): void;
  /** Try the microphone again (after plugging one in or allowing it). */
  retryMic(): void;
}

export type VoiceStore = StoreApi<VoiceState & VoiceActions>;

const idle = {
  current: null,
  connection: 'idle' as const,
  participants: {},
  quality: 'unknown' as const,
  pingMs: null,
  recording: null,
  removalReason: null,
  micError: null,
  micFailures: 0,
  transmitting: false,
  serverMute: false,
  serverDeaf: false,
};

export function createVoiceStore(): VoiceStore {
  // Deafen implies mute; undeafen gives back the mute state from before, as Discord does.
  let muteBeforeDeafen = false;
  return createStore<VoiceState & VoiceActions>()((set, get) => ({
    target: null,
    ...idle,
    error: null,
    selfMute: false,
    selfDeaf: false,
    micRetries: 0,

    join(channelId, guildId) {
      const t = get().target;
      if (t?.channelId === channelId && !t.callId && get().connection !== 'failed') return;
      set({ target: { channelId, guildId }, error: null });
    },
    joinCall({ callId, channelId, grant }) {
      const t = get().target;
      if (t?.callId === callId && !grant && get().connection !== 'failed') return;
      set({ target: { channelId, guildId: '', callId, ...(grant ? { grant } : {}) }, error: null });
    },
    moveTo(target) {
      set({ target, error: null });
    },
    leave() {
      set({ target: null, error: null });
    },
    toggleMute() {
      const { selfMute, selfDeaf } = get();
      if (selfDeaf) {
        // Unmuting while deafened undeafens too (you can't talk into a call you can't hear).
        muteBeforeDeafen = false;
        set({ selfDeaf: false, selfMute: false });
        return;
      }
      set({ selfMute: !selfMute });
    },
    toggleDeafen() {
      const { selfDeaf, selfMute } = get();
      if (selfDeaf) {
        set({ selfDeaf: false, selfMute: muteBeforeDeafen });
      } else {
        muteBeforeDeafen = selfMute;
        set({ selfDeaf: true, selfMute: true });
      }
    },
    setConnection(connection, error = null) {
      if (connection === 'idle') set({ ...idle, error });
      else set({ connection, error });
    },
    setCurrent(current) {
      set({ current });
    },
    setParticipants(list) {
      const participants: Record<string, CallParticipant> = {};
      for (const p of list) participants[p.identity] = p;
      set({ participants });
    },
    setStats(stats) {
      set(stats);
    },
    setServerFlags(flags) {
      set(flags);
    },
    setTransmitting(open) {
      if (get().transmitting !== open) set({ transmitting: open });
    },
    noteRemovalReason(reason) {
      set({ removalReason: reason });
    },
    setRecording(recording) {
      set({ recording });
    },
    setMicError(micError) {
      if (micError !== null) set({ micError, micFailures: get().micFailures + 1 });
      else if (get().micError !== null || get().micFailures !== 0) set({ micError: null, micFailures: 0 });
    },
    retryMic() {
      set({ micRetries: get().micRetries + 1 });
    },
  }));
}

/** What the microphone should do right now, whatever the reason it is silenced. */
export function micAllowed(s: Pick<VoiceState, 'selfMute' | 'selfDeaf' | 'serverMute' | 'serverDeaf'>): boolean {
  return !s.selfMute && !s.selfDeaf && !s.serverMute && !s.serverDeaf;
}

export function playbackAllowed(s: Pick<VoiceState, 'selfDeaf' | 'serverDeaf'>): boolean {
  return !s.selfDeaf && !s.serverDeaf;
}

/** Parses LiveKit room metadata written by the egress service: `{"recording": {...} | null}`; anything else → null. */
export function parseRecordingMetadata(metadata: string | undefined): RecordingInfo | null {
  if (!metadata) return null;
  try {
    const data = JSON.parse(metadata) as { recording?: unknown };
    const r = data.recording as Partial<RecordingInfo & { active: boolean }> | null | undefined;
    if (!r || r.active !== true) return null;
    const by = r.startedBy;
    return {
      recordingId: typeof r.recordingId === 'string' ? r.recordingId : '',
      startedBy: { id: by?.id ?? '', displayName: by?.displayName ?? 'Someone' },
      startedAt: typeof r.startedAt === 'string' ? r.startedAt : new Date().toISOString(),
    };
  } catch {
    return null;
  }
}
