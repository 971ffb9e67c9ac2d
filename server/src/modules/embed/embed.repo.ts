import type { EmbedGuestAccess } from '@shared/api/embed';
import type { Db } from 'mongodb';

export interface EmbedSettingsRecord {
  guildId: string;
  allowedOrigins: string[];
  guestAccess: EmbedGuestAccess;
}

interface EmbedSettingsDoc {
  _id: string;
  allowedOrigins: string[];
  guestAccess: EmbedGuestAccess;
}

/** What a guild that never saved its embed settings has: no origin may frame the widget, no guests. */
export const DEFAULT_EMBED_SETTINGS = { allowedOrigins: [], guestAccess: 'off' } as const;

/** `guild_embed_settings`: one document per guild that saved its embed settings, keyed by the guild id. */
export function createEmbedRepo(db: Db) {
  const settings = db.collection<EmbedSettingsDoc>('guild_embed_settings');
  return {
    /** Keyed by _id: nothing to index. */
    async ensureIndexes(): Promise<void> {},
    async find(guildId: string): Promise<EmbedSettingsRecord> {
      const doc = await settings.findOne({ _id: guildId });
      return doc
        ? { guildId, allowedOrigins: doc.allowedOrigins, guestAccess: doc.guestAccess }
        : { guildId, allowedOrigins: [], guestAccess: DEFAULT_EMBED_SETTINGS.guestAccess };
    },
    /** One replace of the whole document (upsert): a reader never sees half of a change. */
    async save(record: EmbedSettingsRecord): Promise<void> {
      await settings.replaceOne(
        { _id: record.guildId },
        { allowedOrigins: record.allowedOrigins, guestAccess: record.guestAccess },
        { upsert: true },
      );
    },
    async remove(guildId: string): Promise<void> {
      await settings.deleteOne({ _id: guildId });
    },
  };
}
export type EmbedRepo = ReturnType<typeof createEmbedRepo>;
