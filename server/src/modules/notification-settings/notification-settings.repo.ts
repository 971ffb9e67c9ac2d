import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * `notification_settings`: one document per user and target — the guild (`_id` `<userId>:<guildId>`) or one channel
 * override (`_id` `<userId>:<channelId>`).
 *
 * Every write replaces the whole document by `_id` (or deletes it), so the last write wins on both engines and no
 * field is ever read-modified-written: a guild's settings and each channel's override are separate documents, so
 * two sessions changing different ones never lose each other's change. An upsert that races another one for the same
 * new `_id` may get a duplicate key on the insert half; the document exists then, and the replace is retried.
 */
interface SettingsDoc {
  _id: string;
  userId: string;
  guildId: string;
  /** null: the guild's own settings. */
  channelId: string | null;
  level: string;
  suppressRoles: boolean;
  muted: boolean;
  muteUntil: Date | null;
  updatedAt: Date;
}

export interface StoredNotificationSettings {
  guildId: string;
  channelId: string | null;
  level: string;
  suppressRoles: boolean;
  muted: boolean;
  muteUntil: Date | null;
}

export type NotificationSettingsRepo = ReturnType<typeof createNotificationSettingsRepo>;

export function createNotificationSettingsRepo(db: Db) {
  const docs = db.collection<SettingsDoc>('notification_settings');

  const plain = (d: SettingsDoc): StoredNotificationSettings => ({
    guildId: d.guildId,
    channelId: d.channelId,
    level: d.level,
    suppressRoles: d.suppressRoles,
    muted: d.muted,
    muteUntil: d.muteUntil,
  });

  return {
    async ensureIndexes(): Promise<void> {
      // READY and every write read one user's documents of one guild.
      await ensureCollectionIndexes(db, 'notification_settings', [{ key: { userId: 1, guildId: 1 }, name: 'user_guild' }]);
    },

    async put(userId: string, s: StoredNotificationSettings, now: Date): Promise<void> {
      const _id = `${userId}:${s.channelId ?? s.guildId}`;
      const doc: SettingsDoc = { _id, userId, ...s, updatedAt: now };
      try {
        await docs.replaceOne({ _id }, doc, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await docs.replaceOne({ _id }, doc);
      }
    },

    async removeChannel(userId: string, channelId: string): Promise<void> {
      await docs.deleteOne({ _id: `${userId}:${channelId}` });
    },

    async listByUserGuild(userId: string, guildId: string): Promise<StoredNotificationSettings[]> {
      return (await docs.find({ userId, guildId }).toArray()).map(plain);
    },
  };
}
