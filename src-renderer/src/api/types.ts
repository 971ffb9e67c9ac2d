/**
 * The client's view of the API: aliases of the server's zod contracts in src-shared/api, so any drift between the
 * two breaks the typecheck instead of the app.
 */
export type {
  Channel,
  ChannelType,
  ErrorBody as ApiErrorBody,
  Guild,
  GuildSnapshot,
  Invite,
  InvitePreview,
  Member,
  Message,
  PresenceStatus,
  PublicUser,
  ReadyEvent,
  ReadState,
  ReadStateUpdateEvent,
  Role,
  Session as AuthSession,
  User,
  UserStatus,
  DeviceSession,
} from '@shared/api/index';
export type { VoiceJoinResponse as VoiceJoin, VoiceState, VoiceStateUpdateEvent } from '@shared/api/voice';
export type { VoiceGuest, VoiceGuestUpdateEvent } from '@shared/api/embed';
