import { z } from 'zod';
import { Id, IsoDate } from './common';
import { PublicUser, Username } from './users';

/**
 * Relationships between two users (issue 16), as Discord has them: friends, friend requests each way, and blocks.
 *
 * Each user sees the relationship from their side: `friend`, `incoming` (they asked me), `outgoing` (I asked them) or
 * `blocked` (I blocked them). A user who blocked me is simply absent from my list: nothing tells me about the block.
 * Blocking removes the friendship and any request both ways. Every change reaches both users' sessions as
 * RELATIONSHIP_ADD (new or changed) or RELATIONSHIP_REMOVE.
 */
export const RelationshipType = z.enum(['friend', 'incoming', 'outgoing', 'blocked']);
export type RelationshipType = z.infer<typeof RelationshipType>;

export const Relationship = z.object({
  user: PublicUser,
  type: RelationshipType,
  /** When it took its current type (the later request for friends). */
  since: IsoDate,
});
export type Relationship = z.infer<typeof Relationship>;

export const RelationshipUserParams = z.strictObject({ userId: Id });

/** A friend request names the other user by username (Discord's "Add friend") or by id (a profile's button). */
export const FriendRequestBody = z.union([z.strictObject({ username: Username }), z.strictObject({ userId: Id })]);
export type FriendRequestBody = z.infer<typeof FriendRequestBody>;

export const RelationshipRemoveEvent = z.object({ userId: Id });

/**
 * Who may open a DM with me or call me. Discord's default lets members of a server we share do it; `friends` keeps it
 * to friends. A block refuses it either way, both ways.
 */
export const ContactPrivacy = z.enum(['friends', 'friends-and-guild-members']);
export type ContactPrivacy = z.infer<typeof ContactPrivacy>;
export const DEFAULT_CONTACT_PRIVACY: ContactPrivacy = 'friends-and-guild-members';

export const PrivacySettings = z.object({
  dmsAndCallsFrom: ContactPrivacy,
  /**
   * While I am in a call or a voice channel, a call to me rings with a call-waiting prompt; off (the default), the
   * caller hears that I am busy.
   */
  callWaiting: z.boolean(),
});
export type PrivacySettings = z.infer<typeof PrivacySettings>;
/** The settings to change; those left out keep their value. */
export const UpdatePrivacySettingsBody = z
  .strictObject({ dmsAndCallsFrom: ContactPrivacy.optional(), callWaiting: z.boolean().optional() })
  .refine((b) => b.dmsAndCallsFrom !== undefined || b.callWaiting !== undefined, 'must name a setting');
export type UpdatePrivacySettingsBody = z.infer<typeof UpdatePrivacySettingsBody>;
