import type { Db, ObjectId } from 'mongodb';

/**
 * Adds a permission bit to the @everyone role (whose id is its guild's id) of every existing guild; other roles and
 * channel overwrites are left alone. For bits that are new and on by default for @everyone, as in Discord. Each role is
 * updated only if its permissions are still the ones read, so a concurrent edit is not overwritten.
 */
export async function grantToEveryoneRoles(db: Db, bit: number): Promise<void> {
  const roles = db.collection<{ _id: ObjectId; guildId: string; permissions: number }>('roles');
  for await (const role of roles.find({}, { projection: { _id: 1, guildId: 1, permissions: 1 } })) {
    if (role._id.toHexString() !== role.guildId) continue;
    await roles.updateOne({ _id: role._id, permissions: role.permissions }, { $set: { permissions: role.permissions | bit } });
  }
}
