import SimpleMarkdown, { type ParserRule, type SingleASTNode } from '@khanacademy/simple-markdown';

/**
 * Discord-flavoured markdown → a small typed AST (rendered to React elements by Markdown.tsx; nothing here or there
 * produces HTML strings).
 *
 * Built on @khanacademy/simple-markdown (the parser Discord's own client started from, maintained in Khan Academy's
 * Perseus monorepo): it keeps every rule a (regex, parse) pair we can add to, reorder or drop, which is what a
 * dialect needs. discord-markdown-parser wraps the same library but has not been released in years; markdown-it and
 * remark are CommonMark parsers where Discord's rules (`__underline__`, `||spoilers||`, `<@id>`, no paragraphs,
 * newlines are line breaks) would each be a plugin fighting the grammar.
 *
 * Like Discord, everything is parsed "inline": single newlines stay in text nodes (the message body is
 * `white-space: pre-wrap`) and block constructs (code fences, quotes, headings, lists) only start at a line start.
 */

export type MdNode =
  | { type: 'text'; content: string }
  | { type: 'strong' | 'em' | 'u' | 'del' | 'spoiler' | 'blockQuote'; content: MdNode[] }
  | { type: 'heading'; level: 1 | 2 | 3; content: MdNode[] }
  | { type: 'list'; ordered: boolean; start: number; items: MdNode[][] }
  | { type: 'inlineCode'; content: string }
  | { type: 'codeBlock'; lang: string | null; content: string }
  | { type: 'link'; target: string; content: MdNode[]; raw: string }
  | { type: 'user'; id: string }
  | { type: 'role'; id: string }
  | { type: 'channel'; id: string };

const base = SimpleMarkdown.defaultRules;
const { anyScopeRegex, inlineRegex } = SimpleMarkdown;

/** A block construct begins only at the start of the message or right after a newline. */
function atLineStart(regex: RegExp): ParserRule['match'] {
  const match: ParserRule['match'] = (source, state, prevCapture) => {
    if (prevCapture !== '' && !prevCapture.endsWith('\n')) return null;
    // Quotes do not nest (as in Discord): "> > x" quotes the text "> x".
    if (state.inQuote && regex === QUOTE_R) return null;
    return regex.exec(source);
  };
  return match;
}

const QUOTE_R = /^(?: *>>>[ \n]([\s\S]*))|^(?: *> [^\n]*(?:\n *> [^\n]*)*\n?)/;
// No `\n*` around the body: two adjacent unbounded quantifiers are where backtracking blows up; trimmed in parse.
const CODE_R = /^```(?:([a-z0-9_+#.-]{1,32})\n)?([\s\S]*?)```\n?/i;
const HEADING_R = /^(#{1,3}) +([^\n]+)(?:\n|$)/;
const LIST_R = /^(?:(?:[*-]|\d{1,9}\.) +[^\n]*(?:\n|$))+/;
const LIST_ITEM_R = /^(?:([*-])|(\d{1,9})\.) +([^\n]*)$/;
const ID = '([0-9a-f]{24})';

type Parse = (source: string, state: Record<string, unknown>) => SingleASTNode[];

const inline = (parse: Parse, source: string, state: Record<string, unknown>): SingleASTNode[] => parse(source, state);

function rule(order: number, match: ParserRule['match'], parse: ParserRule['parse']): ParserRule {
  return { order, match, parse };
}

let order = 0;
const rules: Record<string, ParserRule> = {
  codeBlock: rule(order++, anyScopeRegex(CODE_R), (c) => ({
    lang: c[1]?.toLowerCase() ?? null,
    content: (c[2] ?? '').replace(/^\n+|\n+$/g, ''),
  })),
  blockQuote: rule(order++, atLineStart(QUOTE_R), (c, parse, state) => {
    const body = c[1] !== undefined ? c[1] : (c[0] ?? '').replace(/^ *> /gm, '').replace(/\n$/, '');
    const wasQuote = state.inQuote;
    state.inQuote = true;
    const content = inline(parse as Parse, body, state);
    state.inQuote = wasQuote;
    return { content };
  }),
  heading: rule(order++, atLineStart(HEADING_R), (c, parse, state) => ({
    level: (c[1] ?? '#').length,
    content: inline(parse as Parse, (c[2] ?? '').trim(), state),
  })),
  list: rule(order++, atLineStart(LIST_R), (c, parse, state) => {
    const lines = (c[0] ?? '').replace(/\n$/, '').split('\n');
    const first = LIST_ITEM_R.exec(lines[0] ?? '');
    const ordered = first?.[2] !== undefined;
    return {
      ordered,
      start: ordered ? Number(first?.[2] ?? 1) : 1,
      items: lines.map((line) => inline(parse as Parse, LIST_ITEM_R.exec(line)?.[3] ?? line, state)),
    };
  }),
  escape: { ...base.escape, order: order++ },
  // Spoilers before everything inline so `||**x**||` is a spoiler holding bold text.
  spoiler: rule(order++, inlineRegex(/^\|\|([\s\S]+?)\|\|/), (c, parse, state) => ({ content: inline(parse as Parse, c[1] ?? '', state) })),
  user: rule(order++, inlineRegex(new RegExp(`^<@!?${ID}>`)), (c) => ({ id: c[1] })),
  role: rule(order++, inlineRegex(new RegExp(`^<@&${ID}>`)), (c) => ({ id: c[1] })),
  channel: rule(order++, inlineRegex(new RegExp(`^<#${ID}>`)), (c) => ({ id: c[1] })),
  autolink: {
    ...base.autolink,
    order: order++,
    parse: (c) => ({ type: 'link', target: c[1], content: [{ type: 'text', content: c[1] }], raw: c[0] }),
  },
  mailto: {
    ...base.mailto,
    order: order++,
    parse: (c) => ({
      type: 'link',
      target: /^mailto:/i.test(c[1] ?? '') ? c[1] : `mailto:${c[1]}`,
      content: [{ type: 'text', content: c[1] }],
      raw: c[0],
    }),
  },
  url: {
    ...base.url,
    order: order++,
    parse: (c) => ({ type: 'link', target: c[1], content: [{ type: 'text', content: c[1] }], raw: c[0] }),
  },
  // Our own masked-link regex, not upstream's: its bracket-balancing LINK_INSIDE is quadratic-to-cubic on input like
  // "[](" repeated (seconds for 4,000 characters). Here each part has one way to match and a length bound, and the
  // URL may hold one level of parentheses (Wikipedia links).
  link: rule(
    order++,
    inlineRegex(/^\[((?:\\[\s\S]|[^[\]\\\n]){1,256})\]\(<?((?:[^\s()<>\\]|\\.|\([^\s()<>]*\)){1,2048})>?\)/),
    (c, parse, state) => ({
      type: 'link',
      target: SimpleMarkdown.unescapeUrl(c[2] ?? ''),
      content: inline(parse as Parse, c[1] ?? '', state),
      raw: c[0],
    }),
  ),
  // em, strong and u share an order and compete on match length (simple-markdown's `quality`), as upstream.
  em: { ...base.em, order },
  strong: { ...base.strong, order },
  u: { ...base.u, order: order++ },
  del: { ...base.del, order: order++ },
  inlineCode: { ...base.inlineCode, order: order++ },
  text: { ...base.text, order: order++ },
};

/**
 * Formatting nests at most this deep; past it, markers stay text. `**` repeated 2,000 times would otherwise build a
 * 1,000-level tree and overflow the stack while parsing or rendering.
 */
const MAX_DEPTH = 10;
const NESTING = ['blockQuote', 'heading', 'list', 'spoiler', 'link', 'em', 'strong', 'u', 'del'] as const;

function limitDepth(r: ParserRule): ParserRule {
  const match: ParserRule['match'] = (source, state, prev) =>
    ((state.depth as number | undefined) ?? 0) >= MAX_DEPTH ? null : r.match(source, state, prev);
  return {
    ...r,
    match,
    parse: (capture, nested, state) => {
      state.depth = ((state.depth as number | undefined) ?? 0) + 1;
      try {
        return r.parse(capture, nested, state);
      } finally {
        state.depth = (state.depth as number) - 1;
      }
    },
  };
}

const limited: Record<string, ParserRule> = Object.fromEntries(
  Object.entries(rules).map(([k, r]) => [k, (NESTING as readonly string[]).includes(k) ? limitDepth(r) : r]),
);

const parser = SimpleMarkdown.parserFor(limited, { inline: true });

/** Longer messages than the server accepts are not rendered as markdown at all (defence in depth). */
const MAX_SOURCE = 8000;

/**
 * Parsed sources, newest last: a row scrolled out of a virtualized list and back in (or the same text in another
 * list) is not parsed again. The trees are never mutated once returned.
 */
const parsed = new Map<string, MdNode[]>();
const PARSE_CACHE_SIZE = 2000;

export function parseMarkdown(source: string): MdNode[] {
  if (source.length > MAX_SOURCE) return [{ type: 'text', content: source }];
  const hit = parsed.get(source);
  if (hit) return hit;
  const nodes = normalize(parser(source, { inline: true, depth: 0 }));
  if (parsed.size >= PARSE_CACHE_SIZE) parsed.delete(parsed.keys().next().value as string);
  parsed.set(source, nodes);
  return nodes;
}

/** Merges adjacent text nodes and drops anything the renderer would not know (there should be none). */
function normalize(nodes: SingleASTNode[]): MdNode[] {
  const out: MdNode[] = [];
  for (const n of nodes) {
    const node = toNode(n);
    if (!node) continue;
    const last = out[out.length - 1];
    if (node.type === 'text' && last?.type === 'text') last.content += node.content;
    else out.push(node);
  }
  return out;
}

function toNode(n: SingleASTNode): MdNode | null {
  switch (n.type) {
    case 'text':
      return { type: 'text', content: String(n.content) };
    case 'strong':
    case 'em':
    case 'u':
    case 'del':
    case 'spoiler':
    case 'blockQuote':
      return { type: n.type, content: normalize(n.content as SingleASTNode[]) };
    case 'heading':
      return {
        type: 'heading',
        level: Math.min(3, Math.max(1, Number(n.level))) as 1 | 2 | 3,
        content: normalize(n.content as SingleASTNode[]),
      };
    case 'list':
      return { type: 'list', ordered: Boolean(n.ordered), start: Number(n.start), items: (n.items as SingleASTNode[][]).map(normalize) };
    case 'inlineCode':
      return { type: 'inlineCode', content: String(n.content) };
    case 'codeBlock':
      return { type: 'codeBlock', lang: (n.lang as string | null) ?? null, content: String(n.content) };
    case 'link':
      return { type: 'link', target: String(n.target), content: normalize(n.content as SingleASTNode[]), raw: String(n.raw) };
    case 'user':
    case 'role':
    case 'channel':
      return { type: n.type, id: String(n.id) };
    default:
      return null;
  }
}

/**
 * The href a link may have, or null when it must stay text: only http(s) and mailto, judged by the URL parser's own
 * protocol (so `JaVaScRiPt:`, `java\tscript:`, leading spaces and entities-as-text all land on the real scheme).
 */
export function safeHref(target: string): string | null {
  let url: URL;
  try {
    url = new URL(target.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'mailto:') return null;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) return null;
  return url.href;
}

/** Characters that reorder the text around them (LRE…RLO, LRI…PDI): stripped from message text, see Markdown.tsx. */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

const EMOJI_ONLY =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3|\s|[#*0-9](?=\ufe0f?\u20e3)|[\u{E0020}-\u{E007F}])+$/u;
const PICTO = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

/** Discord's "jumbo" emoji: a message of only Unicode emoji (up to 27 of them) shows them large. */
export function isEmojiOnly(content: string): boolean {
  const text = content.trim();
  if (!text || text.length > 27 * 12 || !EMOJI_ONLY.test(text) || !PICTO.test(text)) return false;
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text.replace(/\s+/g, ''))].length;
  return graphemes <= 27;
}
