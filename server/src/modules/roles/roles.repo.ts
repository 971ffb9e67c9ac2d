import type { Db, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';

interface RoleDoc {
  _id: ObjectId;
  guildId: string;
  name: string;
  permissions: number;
  position: number;
  color: number | null;
  /** Absent on roles stored before hoisting existed: read as false. */
  hoist?: boolean;
  mentionable?: boolean;
}
export interface RoleRecord {
  id: string;
  guildId: string;
  name: string;
  permissions: number;
  position: number;
  color: number | null;
  hoist: boolean;
  mentionable: boolean;
}
const toRecord = (d: RoleDoc): RoleRecord => ({
  id: d._id.toHexString(),
  guildId: d.guildId,
  name: d.name,
  permissions: d.permissions,
  position: d.position,
  color: d.color,
  hoist: d.hoist ?? false,
  mentionable: d.mentionable ?? false,
});

export type RolesRepo = ReturnType<typeof createRolesRepo>;

export function createRolesRepo(db: Db) {
  const roles = db.collection<RoleDoc>('roles');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'roles', [{ key: { guildId: 1, position: 1 }, name: 'guild_position' }]);
    },

    async insert(r: RoleRecord): Promise<RoleRecord> {
      await roles.insertOne({
        _id: oid(r.id),
        guildId: r.guildId,
        name: r.name,
        permissions: r.permissions,
        position: r.position,
        color: r.color,
        hoist: r.hoist,
        mentionable: r.mentionable,
      });
      return r;
    },
    async listByGuild(guildId: string): Promise<RoleRecord[]> {
      return (await roles.find({ guildId }).sort({ position: 1 }).toArray()).map(toRecord);
    },
    async find(guildId: string, roleId: string): Promise<RoleRecord | null> {
      const d = await roles.findOne({ _id: oid(roleId), guildId });
      return d ? toRecord(d) : null;
    },
    async update(
      guildId: string,
      roleId: string,
      set: Partial<Pick<RoleRecord, 'name' | 'permissions' | 'color' | 'position' | 'hoist' | 'mentionable'>>,
    ): Promise<RoleRecord | null> {
      const d = await roles.findOneAndUpdate({ _id: oid(roleId), guildId }, { $set: set }, { returnDocument: 'after' });
      return d ? toRecord(d) : null;
    },
    async setPositions(guildId: string, positions: { id: string; position: number }[]): Promise<void> {
      if (positions.length === 0) return;
      await roles.bulkWrite(
        positions.map((p) => ({ updateOne: { filter: { _id: oid(p.id), guildId }, update: { $set: { position: p.position } } } })),
        { ordered: false },
      );
    },
    async delete(guildId: string, roleId: string): Promise<boolean> {
      return (await roles.deleteOne({ _id: oid(roleId), guildId })).deletedCount === 1;
    },
    async deleteAll(guildId: string): Promise<void> {
      await roles.deleteMany({ guildId });
    },
  };
}
