import type { SearchParams } from '../../api/parley-api';

/** Who `from:` and `mentions:` can name: a member's id and the names people see (nickname, display name, username). */
export interface SearchPerson {
  id: string;
  names: readonly string[];
}

/** Where `in:` can point: the guild's text channels. */
export interface SearchChannel {
  id: string;
  name: string;
}

export interface ParsedSearch {
  /** What the route gets: the operators resolved to ids, every other word in `q`. */
  query: SearchParams;
  /** The words left for the text search (what results highlight). */
  terms: string[];
  /** Operators that could not be resolved, each as a sentence for the user; the search should not run with them. */
  errors: string[];
}

const ID = /^[0-9a-f]{24}$/;
const MENTION = /^<@!?([0-9a-f]{24})>$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** `key:value` with the value quoted (spaces allowed) or up to the next space; or a quoted phrase; or a word. */
const TOKEN = /([a-z]+):(?:"([^"]*)"?|(\S*))|"([^"]*)"?|(\S+)/giu;

/** Local midnight at the start of `YYYY-MM-DD`, or null when it is no real day. */
function startOfDay(text: string): Date | null {
  const m = DAY.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(y, mo - 1, d);
  return at.getFullYear() === y && at.getMonth() === mo - 1 && at.getDate() === d ? at : null;
}

function findPerson(people: readonly SearchPerson[], name: string): SearchPerson | undefined {
  const id = MENTION.exec(name)?.[1] ?? (ID.test(name) ? name : undefined);
  if (id) return people.find((p) => p.id === id) ?? { id, names: [] };
  const wanted = name.replace(/^@/, '').toLowerCase();
  return people.find((p) => p.names.some((n) => n.toLowerCase() === wanted));
}

/**
 * Discord's one-box search: `from:<name>`, `mentions:<name>`, `in:#channel`, `has:attachment|link`,
 * `before:YYYY-MM-DD`, `after:YYYY-MM-DD`, and free text. Names with spaces are quoted (`from:"Ann Lee"`). Dates are
 * whole local days: `before:` means before that day starts, `after:` after it ends (as Discord). Pure: the names come
 * from the caller, nothing is fetched.
 */
export function parseSearch(input: string, ctx: { people: readonly SearchPerson[]; channels: readonly SearchChannel[] }): ParsedSearch {
  const query: SearchParams = {};
  const terms: string[] = [];
  const errors: string[] = [];
  for (const m of input.matchAll(TOKEN)) {
    const [whole, rawKey, quotedValue, bareValue, phrase, word] = m;
    if (rawKey !== undefined) {
      const key = rawKey.toLowerCase();
      const value = (quotedValue ?? bareValue ?? '').trim();
      const known = ['from', 'mentions', 'in', 'has', 'before', 'after'].includes(key);
      if (!known) {
        terms.push(whole);
        continue;
      }
      if (!value) {
        errors.push(`${key}: needs a value`);
        continue;
      }
      if (key === 'from' || key === 'mentions') {
        const person = findPerson(ctx.people, value);
        if (!person) errors.push(`No member named "${value}"`);
        else if (key === 'from') query.authorId = person.id;
        else query.mentions = person.id;
      } else if (key === 'in') {
        const name = value.replace(/^#/, '').toLowerCase();
        const channel = ctx.channels.find((c) => c.name.toLowerCase() === name || c.id === name);
        if (!channel) errors.push(`No channel named "#${value.replace(/^#/, '')}"`);
        else query.channelId = channel.id;
      } else if (key === 'has') {
        const what = value.toLowerCase();
        if (what === 'attachment' || what === 'file') query.has = 'attachment';
        else if (what === 'link') query.has = 'link';
        else errors.push(`has: is "attachment" or "link", not "${value}"`);
      } else {
        const day = startOfDay(value);
        if (!day) errors.push(`${key}: takes a day as YYYY-MM-DD, not "${value}"`);
        else if (key === 'before') query.before = day.toISOString();
        // After the whole day: the server's `after` is exclusive, so the day's last millisecond.
        else query.after = new Date(new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1).getTime() - 1).toISOString();
      }
    } else if (phrase !== undefined) {
      if (phrase.trim()) terms.push(...phrase.trim().split(/\s+/u));
    } else if (word !== undefined) terms.push(word);
  }
  const q = terms.join(' ').trim();
  if (q) query.q = q;
  return { query, terms: q ? q.split(/\s+/u) : [], errors };
}

/** The people of a guild as `from:`/`mentions:` know them. */
export function searchPeople(
  members: readonly { user: { id: string; username: string; displayName: string }; nick: string | null }[],
): SearchPerson[] {
  return members.map((m) => ({
    id: m.user.id,
    names: [m.nick, m.user.displayName, m.user.username].filter((n): n is string => Boolean(n)),
  }));
}

/** A piece of a message's text: `match` pieces are what the search asked for. */
export interface TextPiece {
  text: string;
  match: boolean;
}

/**
 * `text` split where any of `terms` occurs (case-insensitive, longest term first where two start together), for
 * highlighting as React elements. Terms are compared as plain text, never as patterns.
 */
export function highlightPieces(text: string, terms: readonly string[]): TextPiece[] {
  const wanted = [...new Set(terms.map((t) => t.toLowerCase()).filter((t) => t.length > 0))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0 || text.length === 0) return text ? [{ text, match: false }] : [];
  const lower = text.toLowerCase();
  // A few characters change length when lowercased (İ): offsets would not line up, so no highlight then.
  if (lower.length !== text.length) return [{ text, match: false }];
  const pieces: TextPiece[] = [];
  let plainFrom = 0;
  let i = 0;
  while (i < text.length) {
    const hit = wanted.find((t) => lower.startsWith(t, i));
    if (!hit) {
      i += 1;
      continue;
    }
    if (i > plainFrom) pieces.push({ text: text.slice(plainFrom, i), match: false });
    pieces.push({ text: text.slice(i, i + hit.length), match: true });
    i += hit.length;
    plainFrom = i;
  }
  if (plainFrom < text.length) pieces.push({ text: text.slice(plainFrom), match: false });
  return pieces;
}
