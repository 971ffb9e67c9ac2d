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
  /**
   * Voice only: "join to create". Joining it (POST /channels/:id/voice/join) creates a personal voice channel for the
   * joiner next to it and answers with that channel's token; nobody is ever in this one. Absent: false.
   */
  joinToCreate: z.boolean().optional(),
  /** A temporary voice channel made by a join-to-create channel: who it was made for (they manage it). Absent: not one. */
  tempOwnerId: Id.nullable().optional(),
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
  /** Voice only (MANAGE_CHANNELS): make it a join-to-create channel. */
  joinToCreate: z.boolean().optional(),
});
export type CreateChannelBody = z.infer<typeof CreateChannelBody>;

export const UpdateChannelBody = z.strictObject({
  name: ChannelName.optional(),
  parentId: Id.nullable().optional(),
  topic: safeText().max(1024).nullable().optional(),
  bitrate: Bitrate.optional(),
  userLimit: UserLimit.optional(),
  overwrites: z.array(Overwrite).max(100).optional(),
  /** Voice only: make it (or stop it being) a join-to-create channel; not for a temporary channel. */
  joinToCreate: z.boolean().optional(),
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
