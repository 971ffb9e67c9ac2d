import { DEFAULT_GUILD_ATTACHMENT_MAX_BYTES, type Attachment, type AttachmentSettings } from '@shared/api/attachments';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import type { Clock } from '../../clock';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { PermissionService } from '../../permissions/permission.service';
import type { ObjectStorage, StoredObject } from '../../storage/object-storage';
import type { FileTickets } from '../recordings/file-tickets';
import { cleanFilename, contentDisposition, processAttachment, servedAs } from './attachment-media';
import { attachmentView, type AttachmentRecord, type AttachmentsRepo } from './attachments.repo';

/** A pending upload no message claimed within this long is deleted by the sweep. */
export const PENDING_ATTACHMENT_TTL_MS = 60 * 60 * 1000;
/** How long an S3 redirect works (the ticket that led to it was checked just now). */
const SIGNED_URL_SECONDS = 300;
const SWEEP_BATCH = 200;

export type AttachmentFile = { kind: 'local'; path: string; headers: Record<string, string> } | { kind: 'redirect'; url: string };

export type AttachmentsService = ReturnType<typeof createAttachmentsService>;

/**
 * Upload, serving and cleanup of attachments. Sending them with a message is the messages service's (it claims the
 * pending uploads named in `attachmentIds`); this service never changes a message.
 */
export function createAttachmentsService(deps: {
  repo: AttachmentsRepo;
  storage: ObjectStorage;
  permissions: PermissionService;
  tickets: FileTickets;
  clock: Clock;
  log: Logger;
  /** The server's ATTACHMENT_MAX_BYTES. */
  serverMaxBytes: number;
}) {
  const { repo, storage, permissions, tickets, clock, log, serverMaxBytes } = deps;

  const guildLimit = async (guildId: string): Promise<number> =>
    Math.min(serverMaxBytes, (await repo.guildMaxBytes(guildId)) ?? DEFAULT_GUILD_ATTACHMENT_MAX_BYTES);

  const files = (a: AttachmentRecord): StoredObject[] => [
    { storage: a.storage, objectKey: a.objectKey },
    ...(a.thumbKey ? [{ storage: a.storage, objectKey: a.thumbKey }] : []),
  ];

  async function forget(a: AttachmentRecord): Promise<void> {
    for (const f of files(a)) await storage.remove(f);
    await repo.delete(a.id);
  }

  return {
    /**
     * Checks permissions and the guild's limit first, then reads the body (`readBody(limit)` answers 413 past the
     * limit, from Content-Length before reading when it is given), then stores the file(s), then the record: a failed
     * upload leaves nothing the sweep would not find.
     */
    async upload(
      userId: string,
      channelId: string,
      filename: string,
      readBody: (maxBytes: number) => Promise<Buffer>,
    ): Promise<Attachment> {
      const access = await permissions.requireChannelPermission(userId, channelId, 'SEND_MESSAGES');
      if (access.channel.type === 'category') throw new AppError('WRONG_CHANNEL_TYPE', 'Categories have no messages');
      if (!hasPermission(access.permissions, Permission.ATTACH_FILES)) throw AppError.forbidden('Missing permission ATTACH_FILES');
      // A DM has no guild settings: the default limit (capped by the server's).
      const limit = access.guild ? await guildLimit(access.guild.id) : Math.min(serverMaxBytes, DEFAULT_GUILD_ATTACHMENT_MAX_BYTES);
      const bytes = await readBody(limit);
      if (bytes.length === 0) throw AppError.validation('The file is empty');
      if (bytes.length > limit) throw new AppError('PAYLOAD_TOO_LARGE', `Files can be at most ${limit} bytes here`);
      const processed = await processAttachment(bytes);
      const id = newId();
      const guildId = access.channel.guildId;
      const objectKey = guildId !== null ? `${guildId}/${id}` : `private/${channelId}/${id}`;
      const stored = await storage.put(objectKey, processed.data, processed.contentType);
      const thumb = processed.thumbnail ? await storage.put(`${objectKey}.thumb.webp`, processed.thumbnail, 'image/webp') : null;
      const record: AttachmentRecord = {
        id,
        filename: cleanFilename(filename),
        contentType: processed.contentType,
        size: processed.data.length,
        kind: processed.kind,
        width: processed.width,
        height: processed.height,
        thumbnail: thumb !== null,
        guildId,
        channelId,
        uploaderId: userId,
        storage: stored.storage,
        objectKey,
        thumbKey: thumb?.objectKey ?? null,
        createdAt: clock.now(),
        messageId: null,
        orphanedAt: null,
      };
      try {
        await repo.insert(record);
      } catch (err) {
        for (const f of files(record)) await storage.remove(f).catch(() => undefined);
        throw err;
      }
      log.info({ attachmentId: id, channelId, kind: record.kind, size: record.size }, 'attachment uploaded');
      return attachmentView(record);
    },

    /** A ticket for every attachment of the channel, for this user (VIEW_CHANNEL, re-checked on each file request). */
    async ticket(userId: string, channelId: string): Promise<{ ticket: string; expiresAt: string }> {
      await permissions.requireChannelPermission(userId, channelId, 'VIEW_CHANNEL');
      const { ticket, expiresAt } = tickets.issue(userId, channelId);
      return { ticket, expiresAt: expiresAt.toISOString() };
    },

    /**
     * The file behind a ticket: 404 unless the ticket's user can view the attachment's channel now, and the
     * attachment was sent (or is the user's own pending upload) and not deleted.
     */
    async file(ticket: string, attachmentId: string, opts: { thumb: boolean; download: boolean }): Promise<AttachmentFile> {
      const a = await repo.find(attachmentId);
      if (!a) throw AppError.notFound('Attachment');
      const userId = tickets.verify(ticket, a.channelId);
      await permissions.requireChannelPermission(userId, a.channelId, 'VIEW_CHANNEL');
      if (a.orphanedAt || (a.messageId === null && a.uploaderId !== userId)) throw AppError.notFound('Attachment');
      if (opts.thumb && !a.thumbKey) throw AppError.notFound('Thumbnail');
      const object: StoredObject = { storage: a.storage, objectKey: opts.thumb ? a.thumbKey! : a.objectKey };
      const served = opts.thumb ? { contentType: 'image/webp', inline: true } : servedAs(a);
      const name = opts.thumb ? `${a.filename}.thumb.webp` : a.filename;
      const disposition = contentDisposition(served.inline && !opts.download, name);
      const path = storage.localPath(object);
      if (path) return { kind: 'local', path, headers: { 'Content-Type': served.contentType, 'Content-Disposition': disposition } };
      const url = await storage.signedUrl(object, SIGNED_URL_SECONDS, { contentType: served.contentType, contentDisposition: disposition });
      if (!url) throw AppError.notFound('Attachment');
      return { kind: 'redirect', url };
    },

    async settings(userId: string, guildId: string): Promise<AttachmentSettings> {
      await permissions.requireGuildMember(userId, guildId);
      return { maxBytes: await guildLimit(guildId), serverMaxBytes };
    },

    async updateSettings(userId: string, guildId: string, maxBytes: number): Promise<AttachmentSettings> {
      await permissions.requireGuildPermission(userId, guildId, 'MANAGE_GUILD');
      if (maxBytes > serverMaxBytes)
        throw AppError.validation(`This server allows at most ${serverMaxBytes} bytes`, [
          { path: 'body.maxBytes', message: `at most ${serverMaxBytes}` },
        ]);
      await repo.setGuildMaxBytes(guildId, maxBytes);
      return { maxBytes, serverMaxBytes };
    },

    /**
     * Deletes the files and records of deleted messages' attachments, and of uploads no message claimed within
     * PENDING_ATTACHMENT_TTL_MS. A stale upload is claimed first (the same unique claim a send takes), so a send at
     * that moment either wins and keeps it, or finds it gone. Returns how many were deleted.
     */
    async sweep(): Promise<number> {
      const now = clock.now();
      const { pending, orphaned } = await repo.stale(new Date(now.getTime() - PENDING_ATTACHMENT_TTL_MS), SWEEP_BATCH);
      let deleted = 0;
      for (const a of orphaned) {
        await forget(a);
        deleted += 1;
      }
      for (const a of pending) {
        if (!(await repo.claim(a.id, 'sweep', now))) continue;
        await forget(a);
        deleted += 1;
      }
      if (deleted > 0) log.info({ deleted }, 'attachment sweep');
      return deleted;
    },
  };
}
