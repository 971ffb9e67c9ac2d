import { z } from 'zod';
import { Id } from './common';
import { PermissionBits } from './roles';
import { safeName, safeText } from './text';

export const ChannelType = z.enum(['category', 'text', 'voice']);
export type ChannelType = z.infer<typeof ChannelType>;

export const Overwrite = z.strictObject({
  id: Id,
  type: z.enum(['role', 'member']),
  allow: PermissionBits,
  deny: PermissionBits,
});
export type Overwrite = z.infer<typeof Overwrite>;

export const Channel = z.object({
  id: Id,
  guildId: Id,
  type: ChannelType,
  name: z.string(),
  /** Category id, or null at top level (categories are always top level). */
  parentId: Id.nullable(),
  position: z.number().int(),
  topic: z.string().nullable(),
  /** Voice only (bits per second); null for other types. */
  bitrate: z.number().int().nullable(),
  /** Voice only; 0 = unlimited; null for other types. */
  userLimit: z.number().int().nullable(),
  overwrites: z.array(Overwrite),
  /** Newest message's id (null: none yet), so clients can show unread channels after a restart. */
  lastMessageId: Id.nullable(),
});
export type Channel = z.infer<typeof Channel>;

const ChannelName = safeName().trim().min(1).max(100);
const Bitrate = z.number().int().min(8_000).max(384_000);
const UserLimit = z.number().int().min(0).max(99);

export const CreateChannelBody = z.strictObject({
  type: ChannelType,
  name: ChannelName,
  parentId: Id.nullable().optional(),
  topic: safeText().max(1024).nullable().optional(),
  bitrate: Bitrate.optional(),
  userLimit: UserLimit.optional(),
  overwrites: z.array(Overwrite).max(100).optional(),
});
export type CreateChannelBody = z.infer<typeof CreateChannelBody>;

export const UpdateChannelBody = z.strictObject({
  name: ChannelName.optional(),
  parentId: Id.nullable().optional(),
  topic: safeText().max(1024).nullable().optional(),
  bitrate: Bitrate.optional(),
  userLimit: UserLimit.optional(),
  overwrites: z.array(Overwrite).max(100).optional(),
});
export type UpdateChannelBody = z.infer<typeof UpdateChannelBody>;

/** Positions (and optionally parents) for some channels of one guild, applied together. */
export const ReorderChannelsBody = z.strictObject({
  channels: z
    .array(z.strictObject({ id: Id, position: z.number().int().min(0).max(10_000), parentId: Id.nullable().optional() }))
    .min(1)
    .max(500),
});
export type ReorderChannelsBody = z.infer<typeof ReorderChannelsBody>;

export const DEFAULT_BITRATE = 64_000;
