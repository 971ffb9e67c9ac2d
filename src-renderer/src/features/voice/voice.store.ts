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

/** A LiveKit grant the server already issued for a channel (VOICE_MOVE carries one): connect with it, no REST join. */
export interface VoiceGrant {
  url: string;
  token: string;
  expiresAt: string;
}

export interface VoiceState {
  /**
   * The channel the user asked to be in (or was moved to); the room hook converges the LiveKit room to it. `grant`:
   * a moderator's move, whose token holds a seat even in a full channel where a REST join would be refused.
   */
  target: { channelId: string; guildId: string; grant?: VoiceGrant } | null;
  /** The channel the room is actually connected (or connecting) to. */
  current: { channelId: string; guildId: string } | null;
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
}

export interface VoiceActions {
  join(channelId: string, guildId: string): void;
  /** A moderator moved us (VOICE_MOVE): go to that channel with the token the server sent. */
  moveTo(move: { channelId: string; guildId: string } & VoiceGrant): void;
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

    join(channelId, guildId) {
      const t = get().target;
      if (t?.channelId === channelId && get().connection !== 'failed') return;
      set({ target: { channelId, guildId }, error: null });
    },
    moveTo({ channelId, guildId, url, token, expiresAt }) {
      set({ target: { channelId, guildId, grant: { url, token, expiresAt } }, error: null });
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
