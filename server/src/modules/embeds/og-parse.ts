import { Parser } from 'htmlparser2';

/** What a page says about itself, as a link preview shows it (every field plain text, trimmed and bounded). */
export interface PageCard {
  title: string | null;
  description: string | null;
  siteName: string | null;
}

const TITLE_MAX = 256;
const DESCRIPTION_MAX = 350;
const SITE_NAME_MAX = 100;

/** Whitespace collapsed, controls and bidi overrides removed, cut at `max` characters (with an ellipsis). */
export function cleanText(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  const text = value
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return null;
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/**
 * Open Graph (`og:*`), Twitter card (`twitter:*`) and plain `<title>` / `<meta name="description">` data of an HTML
 * document's head, by htmlparser2 (a tolerant streaming parser: no regex over HTML). Open Graph wins over Twitter,
 * which wins over the plain tags; the first occurrence of each wins. Entities are decoded by the parser.
 */
export function parsePageCard(html: string): PageCard {
  const meta = new Map<string, string>();
  let title = '';
  let inTitle = false;
  let titleSeen = false;
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (done) return;
        if (name === 'body') done = true;
        else if (name === 'title' && !titleSeen) inTitle = true;
        else if (name === 'meta') {
          const key = (attrs.property ?? attrs.name ?? '').trim().toLowerCase();
          if (key && attrs.content !== undefined && !meta.has(key)) meta.set(key, attrs.content);
        }
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === 'title' && inTitle) {
          inTitle = false;
          titleSeen = true;
        }
        if (name === 'head') done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const first = (...keys: string[]) => keys.map((k) => meta.get(k)).find((v) => v !== undefined && v.trim() !== '');
  return {
    title: cleanText(first('og:title', 'twitter:title') ?? (titleSeen || title ? title : undefined), TITLE_MAX),
    description: cleanText(first('og:description', 'twitter:description', 'description'), DESCRIPTION_MAX),
    siteName: cleanText(first('og:site_name', 'application-name'), SITE_NAME_MAX),
  };
}
