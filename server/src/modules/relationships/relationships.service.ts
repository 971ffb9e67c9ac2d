import type {
  FriendRequestBody,
  PrivacySettings,
  Relationship,
  RelationshipType,
  UpdatePrivacySettingsBody,
} from '@shared/api/relationships';
import type { Clock } from '../../clock';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import { publicUserView } from '../../http/views';
import type { Logger } from '../../logger';
import type { UserRecord, UsersRepo } from '../users/users.repo';
import { sideOf } from './contact';
import type { PairDocs, RelationshipsRepo } from './relationships.repo';

/** The same answer whatever refused it, so a user cannot tell that they were blocked. */
const REFUSED = 'This user is not accepting friend requests from you';

type Side = ReturnType<typeof sideOf>;

/** The pair seen from the other user's side. */
const swap = (d: PairDocs): PairDocs => ({
  myFriend: d.theirFriend,
  theirFriend: d.myFriend,
  myBlock: d.theirBlock,
  theirBlock: d.myBlock,
});

/**
 * Friends, friend requests and blocks (see relationships.repo.ts for how each is stored), and the privacy setting for
 * who may DM or call a user. After every change both users' sessions get the new state of their own side, as
 * RELATIONSHIP_ADD or RELATIONSHIP_REMOVE, and only when their side changed: a block never shows to the blocked user
 * beyond what an unfriending would.
 */
export function createRelationshipsService(deps: {
  repo: RelationshipsRepo;
  users: Pick<UsersRepo, 'findById' | 'findByUsername' | 'findManyByIds' | 'update'>;
  gateway: GatewayPublisher;
  clock: Clock;
  log: Logger;
}) {
  const { repo, users, gateway, clock, log } = deps;

  const view = (side: NonNullable<Side>, other: UserRecord): Relationship => ({
    user: publicUserView(other),
    type: side.type,
    since: side.since.toISOString(),
  });

  const settingsOf = (u: UserRecord): PrivacySettings => ({ dmsAndCallsFrom: u.dmsAndCallsFrom, callWaiting: u.callWaiting });

  async function liveUser(id: string): Promise<UserRecord> {
    const user = await users.findById(id);
    if (!user || user.deletedAt) throw AppError.notFound('User');
    return user;
  }

  function notMe(me: string, other: string): void {
    if (me === other) throw AppError.validation('That is you', [{ path: 'userId', message: 'must be another user' }]);
  }

  /** Tells each user whose side differs between `was` and `now` what it is now. */
  function publishChanges(me: UserRecord, other: UserRecord, was: PairDocs, now: PairDocs): void {
    const sides: [UserRecord, UserRecord, Side, Side][] = [
      [me, other, sideOf(was), sideOf(now)],
      [other, me, sideOf(swap(was)), sideOf(swap(now))],
    ];
    for (const [user, them, before, after] of sides) {
      if (before?.type === after?.type) continue;
      if (after) gateway.publishToUser(user.id, 'RELATIONSHIP_ADD', view(after, them));
      else gateway.publishToUser(user.id, 'RELATIONSHIP_REMOVE', { userId: them.id });
    }
  }

  /**
   * Reads the pair after a write, publishes what changed since `before`, and answers `me`'s side. A change racing
   * this one (the other user asking back at the same moment) may have published its newer state before ours went
   * out: so the pair is read once more after publishing, and where it moved on, its latest state is published too.
   * Either that re-read sees the other change (and publishes its state after ours), or the other change read the pair
   * after our publish (and publishes after it): two racing changes leave every session on the pair's latest state.
   */
  async function announce(me: UserRecord, other: UserRecord, before: PairDocs): Promise<Side> {
    const after = await repo.pair(me.id, other.id);
    publishChanges(me, other, before, after);
    publishChanges(me, other, after, await repo.pair(me.id, other.id));
    return sideOf(after);
  }

  const answer = (side: Side, other: UserRecord, types: readonly RelationshipType[]): Relationship => {
    // Only a concurrent change (e.g. they blocked me meanwhile) leaves another state than the one just written.
    if (!side || !types.includes(side.type)) throw AppError.notFound('Relationship');
    return view(side, other);
  };

  return {
    async list(me: string): Promise<{ items: Relationship[] }> {
      const docs = await repo.listOf(me);
      const byOther = new Map<string, PairDocs>();
      for (const d of docs) {
        const other = d.from === me ? d.to : d.from;
        const pair = byOther.get(other) ?? { myFriend: null, theirFriend: null, myBlock: null, theirBlock: null };
        const mine = d.from === me;
        if (d.kind === 'friend') pair[mine ? 'myFriend' : 'theirFriend'] = d;
        else pair[mine ? 'myBlock' : 'theirBlock'] = d;
        byOther.set(other, pair);
      }
      const others = new Map((await users.findManyByIds([...byOther.keys()])).map((u) => [u.id, u]));
      const items: Relationship[] = [];
      for (const [id, pair] of byOther) {
        const side = sideOf(pair);
        const other = others.get(id);
        // Deleted accounts are left out (their documents stay behind, inert).
        if (side && other && !other.deletedAt) items.push(view(side, other));
      }
      return { items: items.sort((a, b) => (a.user.id < b.user.id ? -1 : 1)) };
    },

    /** A request to someone who asked me first makes us friends; a repeat changes nothing. */
    async request(meId: string, body: FriendRequestBody): Promise<Relationship> {
      const other = 'username' in body ? await users.findByUsername(body.username) : await users.findById(body.userId);
      if (!other || other.deletedAt) throw AppError.notFound('User');
      notMe(meId, other.id);
      const me = await liveUser(meId);
      const before = await repo.pair(me.id, other.id);
      if (before.myBlock) throw AppError.forbidden('Unblock this user first');
      if (before.theirBlock) {
        log.info({ userId: me.id, targetId: other.id }, 'friend request refused: blocked');
        throw AppError.forbidden(REFUSED);
      }
      const inserted = await repo.insert('friend', me.id, other.id, clock.now());
      // A block written while we inserted: either it sees our document (and deletes it) or we see it here.
      if (inserted && (await repo.blockedEitherWay(me.id, other.id))) {
        await repo.remove('friend', me.id, other.id);
        log.info({ userId: me.id, targetId: other.id }, 'friend request refused: blocked meanwhile');
        throw AppError.forbidden(REFUSED);
      }
      const side = await announce(me, other, before);
      // Blocked right after our check: refused like any other block.
      if (!side || side.type === 'blocked') throw AppError.forbidden(REFUSED);
      return view(side, other);
    },

    async accept(meId: string, otherId: string): Promise<Relationship> {
      notMe(meId, otherId);
      const [me, other] = await Promise.all([liveUser(meId), liveUser(otherId)]);
      const before = await repo.pair(me.id, other.id);
      const side = sideOf(before);
      if (side?.type === 'friend') return view(side, other);
      if (side?.type !== 'incoming') throw AppError.notFound('Friend request');
      if (await repo.insert('friend', me.id, other.id, clock.now())) {
        // Cancelled (or a block) meanwhile: accepting must not turn into a request of mine.
        const now = await repo.pair(me.id, other.id);
        if (!now.theirFriend || now.myBlock || now.theirBlock) {
          await repo.remove('friend', me.id, other.id);
          throw AppError.notFound('Friend request');
        }
      }
      return answer(await announce(me, other, before), other, ['friend']);
    },

    /**
     * Unfriend, decline or cancel: both users' friend documents go, whichever existed. Two deletes, not one atomic
     * step: a failure between them leaves the other user's request standing, a state either of them can end again.
     */
    async remove(meId: string, otherId: string): Promise<void> {
      notMe(meId, otherId);
      const [me, other] = await Promise.all([liveUser(meId), liveUser(otherId)]);
      const before = await repo.pair(me.id, other.id);
      const side = sideOf(before);
      if (!side || side.type === 'blocked') throw AppError.notFound('Relationship');
      await repo.remove('friend', me.id, other.id);
      await repo.remove('friend', other.id, me.id);
      await announce(me, other, before);
    },

    async block(meId: string, otherId: string): Promise<Relationship> {
      notMe(meId, otherId);
      const [me, other] = await Promise.all([liveUser(meId), liveUser(otherId)]);
      const before = await repo.pair(me.id, other.id);
      // The block first, then the friend documents: a request racing it either sees the block or is deleted here.
      await repo.insert('block', me.id, other.id, clock.now());
      await repo.remove('friend', me.id, other.id);
      await repo.remove('friend', other.id, me.id);
      return answer(await announce(me, other, before), other, ['blocked']);
    },

    async unblock(meId: string, otherId: string): Promise<void> {
      notMe(meId, otherId);
      const [me, other] = await Promise.all([liveUser(meId), liveUser(otherId)]);
      const before = await repo.pair(me.id, other.id);
      if (!before.myBlock) throw AppError.notFound('Block');
      // No friend document outlives a block legitimately (requests are refused while it stands): clear any that
      // raced it before lifting the block, so unblocking never brings a request back.
      await repo.remove('friend', me.id, other.id);
      await repo.remove('friend', other.id, me.id);
      await repo.remove('block', me.id, other.id);
      await announce(me, other, before);
    },

    async privacy(meId: string): Promise<PrivacySettings> {
      return settingsOf(await liveUser(meId));
    },

    /** Sets the fields the body names; the others keep their value. */
    async updatePrivacy(meId: string, body: UpdatePrivacySettingsBody): Promise<PrivacySettings> {
      const updated = await users.update(meId, {
        ...(body.dmsAndCallsFrom !== undefined ? { dmsAndCallsFrom: body.dmsAndCallsFrom } : {}),
        ...(body.callWaiting !== undefined ? { callWaiting: body.callWaiting } : {}),
      });
      if (!updated || updated.deletedAt) throw AppError.notFound('User');
      const settings = settingsOf(updated);
      gateway.publishToUser(meId, 'PRIVACY_SETTINGS_UPDATE', settings);
      return settings;
    },
  };
}

export type RelationshipsService = ReturnType<typeof createRelationshipsService>;
