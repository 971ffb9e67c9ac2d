import { z } from 'zod';
import { Id, IsoDate } from './common';
import { ImageHash } from './images';

export const Username = z
  .string()
  .min(2)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only');
export const DisplayName = z.string().trim().min(1).max(64);
export const Password = z.string().min(8).max(256);

export const User = z.object({
  id: Id,
  username: Username,
  displayName: z.string(),
  /** The avatar's content hash (see images.ts for its URL), or null: the client shows initials. */
  avatar: ImageHash.nullable(),
  createdAt: IsoDate,
});
export type User = z.infer<typeof User>;

/** Another user as shown next to messages and in member lists. */
export const PublicUser = z.object({ id: Id, username: z.string(), displayName: z.string(), avatar: ImageHash.nullable() });
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

export const PatchMeBody = z
  .strictObject({
    displayName: DisplayName.optional(),
    password: Password.optional(),
    currentPassword: z.string().min(1).max(256).optional(),
  })
  .refine((b) => b.password === undefined || b.currentPassword !== undefined, {
    message: 'currentPassword is required to change the password',
    path: ['currentPassword'],
  });
export type PatchMeBody = z.infer<typeof PatchMeBody>;
