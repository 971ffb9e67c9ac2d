/**
 * Mentions travel as `<@userId>`, `<@&roleId>` and `<#channelId>` (Discord's forms). The composer shows names
 * (`@Alice Smith`, `@Sound Crew`, `#general`, as Discord does) and turns them into the wire forms on send
 * (`encodeMentions`); the renderer turns them back into names. Autocomplete (`findTrigger`, `suggestMentions`,
 * `suggestChannels`) inserts a name that converts back to exactly the picked target (`insertFor`).
 */
export interface MentionTarget {
  id: string;
  username: string;
  /** The name everyone sees (absent: the username). */
  displayName?: string;
  /** This guild's nickname, shown instead of the display name. */
  nick?: string | null;
}

/** A role the composer may turn into a mention: mentionable ones, or all of them for members with MANAGE_ROLES. */
export interface RoleTarget {
  id: string;
  name: string;
}

export interface ChannelTarget {
  id: string;
  name: string;
}

/** Case- and diacritic-insensitive form of a name ("Zoë" and "zoe" match), same length as an NFC input. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Where a name may start (after the start, a space or an opening parenthesis) and end. */
const BEFORE = /[\s(]/;
const AFTER = /[\s.,!?;:)'"]/;

/**
 * Who a typed name means. Tiers, first that names someone wins: role names, then usernames (unique), then display
 * names and nicknames. A name two targets of the same tier share is ambiguous and stays text (autocomplete inserts
 * the username then).
 */
interface NameEntry {
  name: string;
  folded: string;
  tier: number;
  wire: string;
}

function entriesFor(members: readonly MentionTarget[], roles: readonly RoleTarget[]): NameEntry[] {
  const out: NameEntry[] = [];
  for (const r of roles) out.push({ name: r.name, folded: fold(r.name), tier: 0, wire: `<@&${r.id}>` });
  for (const m of members) {
    const wire = `<@${m.id}>`;
    out.push({ name: m.username, folded: fold(m.username), tier: 1, wire });
    for (const n of new Set([m.displayName, m.nick].filter((x): x is string => !!x))) out.push({ name: n, folded: fold(n), tier: 2, wire });
  }
  return out;
}

function channelEntries(channels: readonly ChannelTarget[]): NameEntry[] {
  return channels.map((c) => ({ name: c.name, folded: fold(c.name), tier: 0, wire: `<#${c.id}>` }));
}

/** Replaces `sigil`+name at word starts with the wire form of the one target it names (longest name first). */
function replaceNames(text: string, sigil: '@' | '#', entries: readonly NameEntry[]): string {
  if (!text.includes(sigil) || entries.length === 0) return text;
  // Longest names first, so "@Sound Crew" wins over a role named "Sound"; names may contain spaces.
  const sorted = [...entries].sort((a, b) => b.name.length - a.name.length);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf(sigil, i);
    if (at < 0) break;
    out += text.slice(i, at);
    i = at + 1;
    if (at > 0 && !BEFORE.test(text[at - 1] ?? '')) {
      out += sigil;
      continue;
    }
    const found = longestMatch(text, at + 1, sorted);
    if (found) {
      out += found.wire;
      i = at + 1 + found.length;
    } else out += sigil;
  }
  return out + text.slice(i);
}

function longestMatch(text: string, from: number, sorted: readonly NameEntry[]): { wire: string; length: number } | null {
  let length = -1;
  let matches: NameEntry[] = [];
  for (const e of sorted) {
    if (length >= 0 && e.name.length < length) break;
    const end = from + e.name.length;
    if (end > text.length || (end < text.length && !AFTER.test(text[end] ?? ''))) continue;
    if (fold(text.slice(from, end)) !== e.folded) continue;
    length = e.name.length;
    matches.push(e);
  }
  if (matches.length === 0) return null;
  const top = Math.min(...matches.map((e) => e.tier));
  matches = matches.filter((e) => e.tier === top);
  const wires = new Set(matches.map((e) => e.wire));
  return wires.size === 1 ? { wire: matches[0]!.wire, length } : null;
}

/**
 * The text to send: `@role`, `@username`, `@Display Name`, `@nickname` and `#channel` that name exactly one target
 * become `<@&id>`, `<@id>` and `<#id>`; anything else (unknown, ambiguous, inside a word like me@host) stays text.
 */
export function encodeMentions(
  text: string,
  members: readonly MentionTarget[],
  roles: readonly RoleTarget[] = [],
  channels: readonly ChannelTarget[] = [],
): string {
  return replaceNames(replaceNames(text, '@', entriesFor(members, roles)), '#', channelEntries(channels));
}

export type Segment = { kind: 'text'; text: string } | { kind: 'mention'; userId: string } | { kind: 'role'; roleId: string };

export function splitMentions(content: string): Segment[] {
  const out: Segment[] = [];
  const re = /<@(&?)([0-9a-f]{24})>/g;
  let last = 0;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    if (m.index > last) out.push({ kind: 'text', text: content.slice(last, m.index) });
    out.push(m[1] ? { kind: 'role', roleId: m[2] ?? '' } : { kind: 'mention', userId: m[2] ?? '' });
    last = m.index + m[0].length;
  }
  if (last < content.length) out.push({ kind: 'text', text: content.slice(last) });
  return out;
}

/** A message is for me when it mentions me, or one of my roles in a way the server let count. */
export function mentionsMe(
  m: { mentions: readonly { id: string }[]; mentionRoles?: readonly string[] },
  selfId: string | undefined,
  myRoleIds: readonly string[],
): boolean {
  if (!selfId) return false;
  return m.mentions.some((u) => u.id === selfId) || (m.mentionRoles ?? []).some((r) => myRoleIds.includes(r));
}

// ── Autocomplete ────────────────────────────────────────────────────────────────────────────────────────────────

export type TriggerSigil = '@' | '#' | ':';

export interface Trigger {
  sigil: TriggerSigil;
  /** Index of the sigil in the text. */
  start: number;
  query: string;
}

/**
 * The mention being typed at the caret: a sigil at a word start followed by the query. `@` and `#` open on the sigil
 * alone; `@` queries may hold spaces (display names do), up to 32 characters; `:` needs two characters (":)" is a
 * smiley, not a search) and no spaces.
 */
export function findTrigger(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  for (let i = before.length - 1; i >= 0 && before.length - i <= 33; i--) {
    const c = before[i]!;
    if (c === '\n') return null;
    if (c !== '@' && c !== '#' && c !== ':') continue;
    if (i > 0 && !BEFORE.test(before[i - 1]!)) {
      if (c === '@') return null;
      continue;
    }
    const query = before.slice(i + 1);
    if (c === ':') return query.length >= 2 && !/\s/.test(query) ? { sigil: ':', start: i, query } : null;
    if (c === '#' && /\s/.test(query)) return null;
    if (/^\s/.test(query) || /\s\s/.test(query)) return null;
    return { sigil: c, start: i, query };
  }
  return null;
}

/**
 * How well `query` matches `name`: 0 exactly, 1 a prefix, 2 the start of a later word, 3 anywhere; null not at all.
 * Case and diacritics do not count.
 */
export function matchRank(query: string, name: string): number | null {
  const q = fold(query);
  const n = fold(name);
  if (q === '') return 1;
  if (n === q) return 0;
  if (n.startsWith(q)) return 1;
  if (n.split(/[\s_.-]+/).some((w, i) => i > 0 && w.startsWith(q))) return 2;
  if (n.includes(q)) return 3;
  return null;
}

export interface Suggestion {
  kind: 'member' | 'role' | 'channel' | 'emoji';
  /** Unique within one list (React key, option id). */
  key: string;
  label: string;
  /** Second line: the username of a member, "Role", the emoji's :name:. */
  detail: string;
  /** What the composer puts in place of the typed trigger (a trailing space follows). */
  insert: string;
}

const LIMIT = 10;

function best(query: string, names: readonly (string | null | undefined)[]): number | null {
  let rank: number | null = null;
  for (const n of names) {
    if (!n) continue;
    const r = matchRank(query, n);
    if (r !== null && (rank === null || r < rank)) rank = r;
  }
  return rank;
}

/**
 * The name to insert for a target: the first of its names that `encodeMentions` turns back into exactly its wire
 * form (the shown name, else the username), or the wire form itself when no name is unambiguous.
 */
export function insertFor(
  sigil: '@' | '#',
  names: readonly (string | null | undefined)[],
  wire: string,
  members: readonly MentionTarget[],
  roles: readonly RoleTarget[],
  channels: readonly ChannelTarget[] = [],
): string {
  for (const n of names) {
    if (!n) continue;
    const text = `${sigil}${n}`;
    if (encodeMentions(text, members, roles, channels) === wire) return text;
  }
  return wire;
}

/** `@` suggestions: members by nickname, display name and username, then roles; best match first. */
export function suggestMentions(query: string, members: readonly MentionTarget[], roles: readonly RoleTarget[]): Suggestion[] {
  const ranked: { rank: number; order: number; s: Suggestion }[] = [];
  for (const m of members) {
    const rank = best(query, [m.nick, m.displayName, m.username]);
    if (rank === null) continue;
    const label = m.nick || m.displayName || m.username;
    ranked.push({
      rank,
      order: 0,
      s: {
        kind: 'member',
        key: `m${m.id}`,
        label,
        detail: m.username,
        insert: insertFor('@', [label, m.displayName, m.username], `<@${m.id}>`, members, roles),
      },
    });
  }
  for (const r of roles) {
    const rank = best(query, [r.name]);
    if (rank === null) continue;
    ranked.push({
      rank,
      order: 1,
      s: {
        kind: 'role',
        key: `r${r.id}`,
        label: `@${r.name}`,
        detail: 'Role',
        insert: insertFor('@', [r.name], `<@&${r.id}>`, members, roles),
      },
    });
  }
  return ranked
    .sort((a, b) => a.rank - b.rank || a.order - b.order || a.s.label.localeCompare(b.s.label))
    .slice(0, LIMIT)
    .map((x) => x.s);
}

/** `#` suggestions: the channels I can view with messages (text channels), best match first. */
export function suggestChannels(query: string, channels: readonly ChannelTarget[]): Suggestion[] {
  return channels
    .map((c) => ({ c, rank: matchRank(query, c.name) }))
    .filter((x): x is { c: ChannelTarget; rank: number } => x.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.c.name.localeCompare(b.c.name))
    .slice(0, LIMIT)
    .map(({ c }) => ({
      kind: 'channel',
      key: `c${c.id}`,
      label: `#${c.name}`,
      detail: 'Text channel',
      insert: insertFor('#', [c.name], `<#${c.id}>`, [], [], channels),
    }));
}

/** `:` suggestions from the emoji list, by name then keywords. */
export function suggestEmoji(query: string, emoji: readonly { emoji: string; name: string; keywords?: string }[]): Suggestion[] {
  return emoji
    .map((e) => ({
      e,
      rank: best(query, [e.name.replace(/ /g, '_'), e.name]) ?? (e.keywords && fold(e.keywords).includes(fold(query)) ? 4 : null),
    }))
    .filter((x): x is { e: (typeof emoji)[number]; rank: number } => x.rank !== null)
    .sort((a, b) => a.rank - b.rank)
    .slice(0, LIMIT)
    .map(({ e }) => ({ kind: 'emoji', key: `e${e.emoji}`, label: e.emoji, detail: `:${e.name.replace(/ /g, '_')}:`, insert: e.emoji }));
}

/** The text after picking `s` for `trigger`, and where the caret goes (after the inserted name and a space). */
export function applySuggestion(text: string, trigger: Trigger, caret: number, s: Suggestion): { text: string; caret: number } {
  const insert = `${s.insert} `;
  const rest = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, trigger.start) + insert + rest, caret: trigger.start + insert.length };
}
