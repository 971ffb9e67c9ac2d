import type { ContactPrivacy, RelationshipType } from '@shared/api/relationships';
import type { PairDocs, RelationshipsRepo } from './relationships.repo';

/** What `me` sees of the pair (null: nothing). A block outweighs everything; a user who blocked me is invisible. */
export function sideOf(docs: PairDocs): { type: RelationshipType; since: Date } | null {
  if (docs.myBlock) return { type: 'blocked', since: docs.myBlock.createdAt };
  if (docs.theirBlock) return null;
  const { myFriend, theirFriend } = docs;
  if (myFriend && theirFriend) {
    const since = myFriend.createdAt > theirFriend.createdAt ? myFriend.createdAt : theirFriend.createdAt;
    return { type: 'friend', since };
  }
  if (myFriend) return { type: 'outgoing', since: myFriend.createdAt };
  if (theirFriend) return { type: 'incoming', since: theirFriend.createdAt };
  return null;
}

/** Why a contact is refused: for logs only, never for the refused user (a block must not show). */
export type ContactDecision =
  { allowed: true; via: 'friend' | 'guild' } | { allowed: false; reason: 'self' | 'unknown' | 'blocked' | 'privacy' };

/**
 * The rule, on the facts: may `from` open a DM with `to` or call them? Never themselves or a deleted account; never
 * when either blocked the other; friends always; otherwise only when `to` allows members of a shared guild and they
 * share one. The recipient's setting decides, as on Discord: a reply the other way is checked with the roles swapped.
 */
export function decideContact(facts: {
  self: boolean;
  recipientExists: boolean;
  blockedEitherWay: boolean;
  friends: boolean;
  recipientPrivacy: ContactPrivacy;
  shareGuild: boolean;
}): ContactDecision {
  if (facts.self) return { allowed: false, reason: 'self' };
  if (!facts.recipientExists) return { allowed: false, reason: 'unknown' };
  if (facts.blockedEitherWay) return { allowed: false, reason: 'blocked' };
  if (facts.friends) return { allowed: true, via: 'friend' };
  if (facts.recipientPrivacy === 'friends-and-guild-members' && facts.shareGuild) return { allowed: true, via: 'guild' };
  return { allowed: false, reason: 'privacy' };
}

export interface ContactDeps {
  relationships: Pick<RelationshipsRepo, 'pair'>;
  users: { findById(id: string): Promise<{ deletedAt: Date | null; dmsAndCallsFrom: ContactPrivacy } | null> };
  guilds: { membershipsOf(userId: string): Promise<readonly { guildId: string }[]> };
}

async function shareGuild(deps: ContactDeps, a: string, b: string): Promise<boolean> {
  const [mine, theirs] = await Promise.all([deps.guilds.membershipsOf(a), deps.guilds.membershipsOf(b)]);
  const theirGuilds = new Set(theirs.map((m) => m.guildId));
  return mine.some((m) => theirGuilds.has(m.guildId));
}

/**
 * The check DM and call code runs before `from` reaches `to` (issue 16 items 2 and 3); the memberships are read only
 * when the answer depends on them. Pass the cached user reads (`ctx.cachedReads.users`) where it runs per message: a
 * privacy change clears them.
 */
export async function canContact(deps: ContactDeps, from: string, to: string): Promise<ContactDecision> {
  if (from === to) return { allowed: false, reason: 'self' };
  const [recipient, pair] = await Promise.all([deps.users.findById(to), deps.relationships.pair(from, to)]);
  const facts = {
    self: false,
    recipientExists: recipient !== null && recipient.deletedAt === null,
    blockedEitherWay: pair.myBlock !== null || pair.theirBlock !== null,
    friends: pair.myFriend !== null && pair.theirFriend !== null,
    recipientPrivacy: recipient?.dmsAndCallsFrom ?? 'friends',
    shareGuild: false,
  };
  const first = decideContact(facts);
  if (first.allowed || first.reason !== 'privacy' || facts.recipientPrivacy === 'friends') return first;
  return decideContact({ ...facts, shareGuild: await shareGuild(deps, from, to) });
}
