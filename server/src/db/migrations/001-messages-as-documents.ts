import { inflateRawSync } from 'node:zlib';
import type { PublicUser } from '@shared/api/users';
import type { AnyBulkWriteOperation, Binary } from 'mongodb';
import { claimIdInstance, createImportIdGenerator, instanceOfMessageId } from '../../modules/messages/message-ids';
import type { Migration } from './index';

/**
 * From the page layout (up to v0.1: `message_pages_<channelId>_<bucket>` collections of 50-message page documents
 * holding JSON strings or a deflated JSON array plus an edit log, a `message_counters` sequence per channel) to one
 * document per message in `messages` (messages.repo.ts).
 *
 * Messages get new ids: the old ones started with whole seconds and would sort after every new one. The ids are made
 * from each message's creation time, in the old sequence order of its channel, so history reads the same. Deleted
 * messages are left out, edits applied. Send nonces still inside their retry window are pointed at the new ids, and
 * each channel's newest id is recorded in `channel_last_messages`.
 *
 * Channel by channel, restartable: a channel's progress document names the id instance its messages were written
 * with, so a run that died halfway removes that channel's partial copy before writing it again; the old collections of
 * a channel are dropped only once its messages are all in.
 */
interface LegacyMessage {
  id: string;
  seq: number;
  authorId: string;
  content: string;
  nonce: string | null;
  mentions: PublicUser[];
  createdAt: string;
  editedAt: string | null;
  deleted?: boolean;
}
interface LegacyEdit {
  id: string;
  content?: string;
  mentions?: PublicUser[];
  editedAt?: string;
  deleted?: true;
}
interface LegacyPage {
  _id: string;
  channelId: string;
  guildId: string;
  page: number;
  messages?: string[];
  sealed?: Binary | string;
  edits?: string[];
}
interface MessageDoc {
  _id: string;
  channelId: string;
  guildId: string;
  authorId: string;
  content: string;
  nonce: string | null;
  mentions: PublicUser[];
  createdAt: Date;
  editedAt: Date | null;
}
interface ProgressDoc {
  _id: string;
  instance: number;
}
interface NonceDoc {
  _id: string;
  channelId: string;
  messageId: string;
}

const PAGE_COLLECTION = /^message_pages_([0-9a-f]{24})_(\d+)$/;

/** A page's messages with its edit log applied, deleted ones left out. */
export function decodeLegacyPage(doc: LegacyPage): (LegacyMessage & { guildId: string })[] {
  const sealed =
    doc.sealed === undefined ? undefined : typeof doc.sealed === 'string' ? doc.sealed : inflateRawSync(doc.sealed.value()).toString();
  const raws: LegacyMessage[] = doc.messages
    ? doc.messages.map((json) => JSON.parse(json) as LegacyMessage)
    : sealed
      ? (JSON.parse(sealed) as LegacyMessage[])
      : [];
  const byId = new Map(raws.map((m) => [m.id, { ...m }]));
  for (const json of doc.edits ?? []) {
    const edit = JSON.parse(json) as LegacyEdit;
    const m = byId.get(edit.id);
    if (!m) continue;
    if (edit.deleted) m.deleted = true;
    if (edit.content !== undefined) m.content = edit.content;
    if (edit.mentions !== undefined) m.mentions = edit.mentions;
    if (edit.editedAt !== undefined) m.editedAt = edit.editedAt;
  }
  return [...byId.values()].filter((m) => !m.deleted).map((m) => ({ ...m, guildId: doc.guildId }));
}

export const messagesAsDocuments: Migration = {
  name: '001-messages-as-documents',
  async up({ db, log }) {
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    const byChannel = new Map<string, string[]>();
    for (const name of names) {
      const match = PAGE_COLLECTION.exec(name);
      if (match) byChannel.set(match[1]!, [...(byChannel.get(match[1]!) ?? []), name]);
    }
    const messages = db.collection<MessageDoc>('messages');
    const progress = db.collection<ProgressDoc>('migration_001_progress');
    const nonces = db.collection<NonceDoc>('message_nonces');
    const instance = byChannel.size ? await claimIdInstance(db, 'migration 001') : 0;
    // One generator for the whole run: each (millisecond, sequence) pair once across all channels.
    const ids = createImportIdGenerator(instance);
    let moved = 0;
    for (const [channelId, collections] of byChannel) {
      const earlier = await progress.findOne({ _id: channelId });
      if (earlier) {
        // A run that died while copying this channel: remove its partial copy (only ids of that run's instance).
        const partial = await messages.find({ channelId }, { projection: { _id: 1 } }).toArray();
        const stale = partial.filter((d) => instanceOfMessageId(d._id) === earlier.instance).map((d) => d._id);
        for (let i = 0; i < stale.length; i += 1000) await messages.deleteMany({ _id: { $in: stale.slice(i, i + 1000) } });
      }
      await progress.replaceOne({ _id: channelId }, { instance }, { upsert: true });

      const pages = (await Promise.all(collections.map((name) => db.collection<LegacyPage>(name).find({}).toArray()))).flat();
      const legacy = pages.flatMap(decodeLegacyPage).sort((a, b) => a.seq - b.seq);
      // The channel's order is the old sequence order; times only move forward within it (sends could finish a few
      // milliseconds out of order).
      let lastMs = 0;
      const renamed = new Map<string, string>();
      const docs = legacy.map((m): MessageDoc => {
        lastMs = Math.max(lastMs, Date.parse(m.createdAt));
        const { id, at } = ids.next(lastMs);
        renamed.set(m.id, id);
        return {
          _id: id,
          channelId,
          guildId: m.guildId,
          authorId: m.authorId,
          content: m.content,
          nonce: m.nonce,
          mentions: m.mentions,
          createdAt: at,
          editedAt: m.editedAt ? new Date(m.editedAt) : null,
        };
      });
      for (let i = 0; i < docs.length; i += 1000) await messages.insertMany(docs.slice(i, i + 1000), { ordered: false });
      const newest = docs.at(-1);
      if (newest) {
        await db
          .collection<{ _id: string; guildId: string; lastId: string }>('channel_last_messages')
          .replaceOne({ _id: channelId }, { guildId: newest.guildId, lastId: newest._id }, { upsert: true });
      }

      const channelNonces = await nonces.find({ channelId }).toArray();
      const repoint = channelNonces.map((n): AnyBulkWriteOperation<NonceDoc> => {
        const id = renamed.get(n.messageId);
        return id
          ? { updateOne: { filter: { _id: n._id }, update: { $set: { messageId: id } } } }
          : { deleteOne: { filter: { _id: n._id } } };
      });
      if (repoint.length) await nonces.bulkWrite(repoint, { ordered: false });
      for (const name of collections) await db.collection(name).drop();
      await progress.deleteOne({ _id: channelId });
      moved += docs.length;
      log.info({ channelId, messages: docs.length }, "migrated a channel's message pages");
    }
    if (names.includes('message_counters')) await db.collection('message_counters').drop();
    if (names.includes('migration_001_progress') || byChannel.size) await progress.drop().catch(() => undefined);
    log.info({ channels: byChannel.size, messages: moved }, 'messages are documents now');
  },
};
