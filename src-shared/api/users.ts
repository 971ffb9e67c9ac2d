import { z } from 'zod';
import { Id, IsoDate } from './common';
import { ImageHash } from './images';
import { safeName } from './text';

export const Username = safeName()
  .min(2)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only');
export const DisplayName = safeName().trim().min(1).max(64);
export const Password = z.string().min(8).max(256);

/**
 * The status a user chose, as Discord: kept on the account, so it applies to all their sessions and survives a reload.
 * Others see `invisible` as offline; `online` turns to idle by itself when every session is idle (no input for 10 min).
 * `dnd` only shows for now: notifications (issue 15) will honour it.
 */
export const UserStatus = z.enum(['online', 'idle', 'dnd', 'invisible']);
export type UserStatus = z.infer<typeof UserStatus>;

export const User = z.object({
  id: Id,
  username: Username,
  displayName: z.string(),
  /** The avatar's content hash (see images.ts for its URL), or null: the client shows initials. */
  avatar: ImageHash.nullable(),
  createdAt: IsoDate,
  status: UserStatus,
  /** A bot account (bots.ts); absent for people. */
  bot: z.literal(true).optional(),
});
export type User = z.infer<typeof User>;

/** Another user as shown next to messages and in member lists. */
export const PublicUser = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  avatar: ImageHash.nullable(),
  /** A bot account: the client shows a BOT tag. Absent for people. */
  bot: z.literal(true).optional(),
});
export type PublicUser = z.infer<typeof PublicUser>;

export const RegisterBody = z.strictObject({
  username: Username,
  displayName: DisplayName.optional(),
  password: Password,
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.strictObject({ username: z.string().min(1).max(32), password: z.string().min(1).max(256) });
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.strictObject({ refreshToken: z.string().min(20).max(200) });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const LogoutBody = RefreshBody;

/**
 * Access token: a JWT to send as `Authorization: Bearer <accessToken>` and in the gateway handshake; valid until
 * `accessTokenExpiresAt` (~15 min). Refresh token: opaque, single use — POST it to /auth/refresh for a new pair.
 */
export const Session = z.object({
  user: User,
  accessToken: z.string(),
  accessTokenExpiresAt: IsoDate,
  refreshToken: z.string(),
  refreshTokenExpiresAt: IsoDate,
});
export type Session = z.infer<typeof Session>;

/**
 * A new username follows the rules of registration (2–32 of `[A-Za-z0-9_.-]`, unique ignoring case: 409
 * USERNAME_TAKEN); like a new password it needs the current password.
 */
export const PatchMeBody = z
  .strictObject({
    displayName: DisplayName.optional(),
    username: Username.optional(),
    password: Password.optional(),
    currentPassword: z.string().min(1).max(256).optional(),
    status: UserStatus.optional(),
  })
  .refine((b) => b.password === undefined || b.currentPassword !== undefined, {
    message: 'currentPassword is required to change the password',
    path: ['currentPassword'],
  })
  .refine((b) => b.username === undefined || b.currentPassword !== undefined, {
    message: 'currentPassword is required to change the username',
    path: ['currentPassword'],
  });
export type PatchMeBody = z.infer<typeof PatchMeBody>;

/**
 * One signed-in device: a refresh-token family, from a login to its logout. `lastUsedAt` is its latest login or token
 * refresh (clients refresh every 10 minutes while open); `clientLabel` was read from the User-Agent at login.
 */
export const DeviceSession = z.object({
  id: Id,
  clientLabel: z.string(),
  createdAt: IsoDate,
  lastUsedAt: IsoDate,
  /** The session that made this request. */
  current: z.boolean(),
});
export type DeviceSession = z.infer<typeof DeviceSession>;

export const SessionIdParams = z.strictObject({ sessionId: Id });
