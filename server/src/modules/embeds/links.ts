import { MAX_EMBEDS } from '@shared/api/messages';

/**
 * The links of a message a preview is made for, in order, distinct, at most MAX_EMBEDS: what the client's markdown
 * (src-renderer/.../markdown/parse.ts, simple-markdown's `url` and our masked-link rule) shows as an http(s) link,
 * except the ones written `<https://…>` (Discord's way of saying "no preview") and anything inside inline code or a
 * code block, which the client shows as text. A small scanner, not the client's parser: the server does not import
 * client code, and only these four constructs decide whether a link is a link.
 */
const FENCE = /^```[\s\S]*?```/;
const INLINE_CODE = /^(`+)[\s\S]*?[^`]\1(?!`)/;
const ANGLE_LINK = /^<[^: >]+:\/[^ >]+>/;
// Same regexes as the client's rules (simple-markdown's `url`, our bounded masked link).
const BARE_URL = /^(https?:\/\/[^\s<]+[^<.,:;"')\]\s])/;
const MASKED_LINK = /^\[((?:\\[\s\S]|[^[\]\\\n]){1,256})\]\(<?((?:[^\s()<>\\]|\\.|\([^\s()<>]*\)){1,2048})>?\)/;
const URL_MAX = 2048;

export function previewableLinks(content: string): string[] {
  const found: string[] = [];
  const add = (raw: string) => {
    const url = normalizeUrl(raw);
    if (url && !found.includes(url)) found.push(url);
  };
  let i = 0;
  while (i < content.length && found.length < MAX_EMBEDS) {
    const rest = content.slice(i);
    const skip = FENCE.exec(rest) ?? INLINE_CODE.exec(rest) ?? ANGLE_LINK.exec(rest);
    if (skip) {
      i += skip[0].length;
      continue;
    }
    const masked = MASKED_LINK.exec(rest);
    if (masked) {
      add(masked[2]!.replace(/\\([^0-9A-Za-z\s])/g, '$1'));
      i += masked[0].length;
      continue;
    }
    // simple-markdown only tries `url` where a text run ends: not in the middle of a word ("xhttps://…").
    const bare = i === 0 || !/[0-9A-Za-z]/.test(content[i - 1]!) ? BARE_URL.exec(rest) : null;
    if (bare) {
      add(bare[1]!);
      i += bare[0].length;
      continue;
    }
    i++;
  }
  return found;
}

/** The cache key and fetched form of a link: parsed, http(s) only, without its #fragment; null when not previewable. */
export function normalizeUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
  url.hash = '';
  return url.href.length <= URL_MAX ? url.href : null;
}
