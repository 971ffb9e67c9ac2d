import type { AuditAction } from '@shared/api/audit';
import type { Db, Filter, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';

interface AuditDoc {
  _id: ObjectId;
  guildId: string;
  action: AuditAction;
  actorId: string | null;
  targetId: string | null;
  details: Record<string, unknown> | null;
  createdAt: Date;
}
export interface AuditRecord {
  id: string;
  guildId: string;
  action: AuditAction;
  actorId: string | null;
  targetId: string | null;
  details: Record<string, unknown> | null;
  createdAt: Date;
}
const toRecord = ({ _id, ...rest }: AuditDoc): AuditRecord => ({ id: _id.toHexString(), ...rest });

export type AuditRepo = ReturnType<typeof createAuditRepo>;

export function createAuditRepo(db: Db) {
  const log = db.collection<AuditDoc>('audit_log');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'audit_log', [{ key: { guildId: 1, _id: -1 }, name: 'guild_id' }]);
    },

    async insert(e: AuditRecord): Promise<void> {
      const { id, ...rest } = e;
      await log.insertOne({ _id: oid(id), ...rest });
    },
    async list(guildId: string, q: { before?: string; limit: number; action?: AuditAction }): Promise<AuditRecord[]> {
      const filter: Filter<AuditDoc> = { guildId };
      if (q.before) filter._id = { $lt: oid(q.before) };
      if (q.action) filter.action = q.action;
      return (await log.find(filter).sort({ guildId: 1, _id: -1 }).limit(q.limit).toArray()).map(toRecord);
    },
  };
}
