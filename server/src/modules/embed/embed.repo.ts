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

/** A voice widget guest in a voice channel, as LiveKit's webhooks reported it. */
export interface VoiceGuestRecord {
  identity: string;
  name: string;
  guildId: string;
  channelId: string;
  /** LiveKit's id of this connection: a late `participant_left` of an earlier connection does not remove a newer one. */
  sid: string;
  joinedAt: Date;
  /** Server-muted by a moderator: kept across the guest's reconnects. */
  serverMute: boolean;
}

interface VoiceGuestDoc {
  _id: string;
  name: string;
  guildId: string;
  channelId: string;
  sid: string;
  joinedAt: Date;
  /** Absent in documents written before guests could be muted. */
  serverMute?: boolean;
}

const guestRecord = (d: VoiceGuestDoc): VoiceGuestRecord => ({
  identity: d._id,
  name: d.name,
  guildId: d.guildId,
  channelId: d.channelId,
  sid: d.sid,
  joinedAt: d.joinedAt,
  serverMute: d.serverMute ?? false,
});

/**
 * `guild_embed_settings`: one document per guild that saved its embed settings, keyed by the guild id.
 * `voice_guests`: one document per guest connected to a voice channel, keyed by its identity (guests are few and
 * short-lived: a document goes when LiveKit says the guest left, or when the sweep finds them gone from the room).
 */
export function createEmbedRepo(db: Db) {
  const settings = db.collection<EmbedSettingsDoc>('guild_embed_settings');
  const guests = db.collection<VoiceGuestDoc>('voice_guests');
  return {
    async ensureIndexes(): Promise<void> {
      await guests.createIndex({ guildId: 1 });
    },
    /**
     * A guest connected (again): the newest connection wins. A moderator's mute is the guest's, not the connection's: it
     * is kept (a new guest starts unmuted), also when the mute lands while the guest reconnects. The record after.
     */
    async upsertGuest(g: Omit<VoiceGuestRecord, 'serverMute'>): Promise<VoiceGuestRecord> {
      const doc = await guests.findOneAndUpdate(
        { _id: g.identity },
        {
          $set: { name: g.name, guildId: g.guildId, channelId: g.channelId, sid: g.sid, joinedAt: g.joinedAt },
          $setOnInsert: { serverMute: false },
        },
        { upsert: true, returnDocument: 'after' },
      );
      if (!doc) throw new Error(`voice guest ${g.identity} not written`);
      return guestRecord(doc);
    },
    /**
     * Sets the guest's server mute; the record after and whether this call changed it (one update: of two moderators
     * muting at once, one changes it), or null when the guest is gone.
     */
    async setGuestMute(identity: string, serverMute: boolean): Promise<{ guest: VoiceGuestRecord; changed: boolean } | null> {
      const before = await guests.findOneAndUpdate({ _id: identity }, { $set: { serverMute } }, { returnDocument: 'before' });
      if (!before) return null;
      return { guest: guestRecord({ ...before, serverMute }), changed: (before.serverMute ?? false) !== serverMute };
    },
    /** The guest's connection `sid` ended (any connection when `sid` is null); the removed record, or null. */
    async removeGuest(identity: string, sid: string | null): Promise<VoiceGuestRecord | null> {
      const doc = await guests.findOneAndDelete(sid === null ? { _id: identity } : { _id: identity, sid });
      return doc ? guestRecord(doc) : null;
    },
    async findGuest(identity: string): Promise<VoiceGuestRecord | null> {
      const doc = await guests.findOne({ _id: identity });
      return doc ? guestRecord(doc) : null;
    },
    async listGuestsInGuild(guildId: string): Promise<VoiceGuestRecord[]> {
      return (await guests.find({ guildId }).sort({ joinedAt: 1 }).toArray()).map(guestRecord);
    },
    async listGuests(): Promise<VoiceGuestRecord[]> {
      return (await guests.find({}).toArray()).map(guestRecord);
    },
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
