import type { Db, ObjectId } from 'mongodb';

interface InviteDoc {
  _id?: ObjectId;
  code: string;
  guildId: string;
  inviterId: string;
  maxUses: number;
  uses: number;
  expiresAt: Date | null;
  createdAt: Date;
}
export type InviteRecord = Omit<InviteDoc, '_id'>;
const toRecord = ({ _id: _ignored, ...rest }: InviteDoc): InviteRecord => rest;

export type InvitesRepo = ReturnType<typeof createInvitesRepo>;

export function createInvitesRepo(db: Db) {
  const invites = db.collection<InviteDoc>('invites');
  return {
    async insert(i: InviteRecord): Promise<InviteRecord> {
      await invites.insertOne({ ...i });
      return i;
    },
    async find(code: string): Promise<InviteRecord | null> {
      const d = await invites.findOne({ code });
      return d ? toRecord(d) : null;
    },
    async listByGuild(guildId: string): Promise<InviteRecord[]> {
      return (await invites.find({ guildId }).sort({ createdAt: -1 }).limit(1000).toArray()).map(toRecord);
    },
    /**
     * Take one use atomically: the filter only matches while uses < maxUses (compared against the value read, so two
     * concurrent accepts cannot both take the last use) and the invite has not expired.
     */
    async consume(invite: InviteRecord, now: Date): Promise<boolean> {
      const filter = {
        code: invite.code,
        uses: invite.uses,
        $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
      };
      const res = await invites.updateOne(filter, { $inc: { uses: 1 } });
      return res.modifiedCount === 1;
    },
    async delete(code: string): Promise<boolean> {
      return (await invites.deleteOne({ code })).deletedCount === 1;
    },
    async deleteByGuild(guildId: string): Promise<void> {
      await invites.deleteMany({ guildId });
    },
  };
}
