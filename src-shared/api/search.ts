import { z } from 'zod';
import { Id } from './common';
import { Message } from './messages';
import { safeText } from './text';

/** Longest search text a query may carry. */
export const SEARCH_QUERY_MAX = 200;
/** Most results one page can hold (Discord shows 25). */
export const SEARCH_PAGE_MAX = 25;
/** Words of `q` that count; the rest are ignored (each one is a condition every match must meet). */
export const SEARCH_TERMS_MAX = 10;

/** A calendar day (`2026-01-31`, read as UTC midnight) or an ISO 8601 instant. */
const Instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/**
 * GET /guilds/:guildId/messages/search. Every filter narrows the result (AND). `q` matches whole words of the text,
 * case-insensitively, every word required. `before`/`after` are exclusive instants. Paged by `cursor`: the id of the
 * last message of the previous page (results are newest first by id, so a page never shifts when new messages
 * arrive, as an offset would). At least one filter is required.
 */
export const SearchQuery = z
  .strictObject({
    q: safeText().trim().max(SEARCH_QUERY_MAX).optional(),
    authorId: Id.optional(),
    channelId: Id.optional(),
    mentions: Id.optional(),
    has: z.enum(['attachment', 'link']).optional(),
    before: Instant.optional(),
    after: Instant.optional(),
    cursor: Id.optional(),
    limit: z.coerce.number().int().min(1).max(SEARCH_PAGE_MAX).default(SEARCH_PAGE_MAX),
  })
  .refine((s) => Boolean(s.q) || [s.authorId, s.channelId, s.mentions, s.has, s.before, s.after].some((v) => v !== undefined), {
    message: 'give search text or at least one filter',
  });
export type SearchQuery = z.infer<typeof SearchQuery>;

/**
 * A page of matches, newest first, each with its `channelId`. `total` counts every match in the channels the asker
 * can view (never more); `nextCursor` is null on the last page.
 */
export const SearchResult = z.object({
  items: z.array(Message),
  total: z.number().int().min(0),
  nextCursor: Id.nullable(),
});
export type SearchResult = z.infer<typeof SearchResult>;
