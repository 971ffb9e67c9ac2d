import { createObjectStorage, s3SettingsFrom } from '../../storage/object-storage';
import type { ModuleContext, ServerModule } from '../context';
import { createFileTickets } from '../recordings/file-tickets';
import { registerAttachmentRoutes } from './attachments.routes';
import { createAttachmentsService } from './attachments.service';

/** How often deleted messages' files and unsent uploads are removed. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Attachments: upload (raw body, sniffed, images re-encoded without metadata plus a thumbnail), files served by
 * per-channel tickets with Range, a per-guild size limit, and the sweep. Stored like recordings: ATTACHMENTS_DIR, or
 * the S3 bucket under `attachments/`.
 */
export function attachmentsModule(ctx: ModuleContext): ServerModule {
  const { config, log } = ctx;
  const service = createAttachmentsService({
    repo: ctx.repos.attachments,
    storage: createObjectStorage({ dir: config.ATTACHMENTS_DIR, s3: s3SettingsFrom(config), s3KeyPrefix: 'attachments/' }),
    permissions: ctx.permissions,
    // Valid 30 to 40 minutes, the same string all through each 10-minute window, so image URLs stay cacheable.
    tickets: createFileTickets(config.JWT_SECRET, ctx.clock, { label: 'parley:attachment-ticket:v1', ttlSeconds: 1800, roundSeconds: 600 }),
    clock: ctx.clock,
    log,
    serverMaxBytes: config.ATTACHMENT_MAX_BYTES,
  });
  instances.set(ctx.gateway, service);

  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<unknown> = Promise.resolve();
  return {
    name: 'attachments',
    api: registerAttachmentRoutes(ctx.createApiRouter(), service),
    async init() {
      timer = setInterval(() => {
        sweeping = service.sweep().catch((err: unknown) => log.warn({ err }, 'attachment sweep failed'));
      }, SWEEP_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await sweeping;
    },
  };
}

const instances = new WeakMap<object, ReturnType<typeof createAttachmentsService>>();

/** The attachments service of a running server, by its gateway publisher (tests run `sweep()`). */
export function attachmentsOf(gateway: object) {
  return instances.get(gateway);
}
