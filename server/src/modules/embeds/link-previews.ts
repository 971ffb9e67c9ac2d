import type { ModuleContext } from '../context';
import { createLinkPreviewsRepo } from './link-previews.repo';
import { createSafeFetcher } from './safe-fetch';
import { createUnfurlService } from './unfurl.service';

/** HTML read of one page at most (decoded): a head is far smaller; reading also stops at `</head>`. */
export const MAX_PAGE_BYTES = 1024 * 1024;

/** Link previews as the messages module uses them: the `link_previews` cache over the SSRF-guarded fetcher. */
export function createLinkPreviews(ctx: Pick<ModuleContext, 'db' | 'config' | 'clock' | 'log'>) {
  const repo = createLinkPreviewsRepo(ctx.db);
  const fetcher = createSafeFetcher({
    timeoutMs: ctx.config.UNFURL_TIMEOUT_MS,
    maxBytes: MAX_PAGE_BYTES,
    allowTargets: new Set(ctx.config.UNFURL_ALLOW_TARGETS),
  });
  if (ctx.config.UNFURL_ALLOW_TARGETS.length > 0)
    ctx.log.warn({ targets: ctx.config.UNFURL_ALLOW_TARGETS }, 'link previews may reach these private targets (tests only)');
  return { repo, service: createUnfurlService({ repo, fetcher, clock: ctx.clock, log: ctx.log }) };
}
