/** Mentions travel as `<@userId>`; the composer turns `@username` into that, the renderer turns it back into a name. */
export interface MentionTarget {
  id: string;
  username: string;
}

export function encodeMentions(text: string, members: readonly MentionTarget[]): string {
  if (!text.includes('@')) return text;
  const byName = new Map(members.map((m) => [m.username.toLowerCase(), m.id]));
  return text.replace(/(^|[\s(])@([A-Za-z0-9_.-]{2,32})/g, (all, pre: string, name: string) => {
    const id = byName.get(name.toLowerCase());
    return id ? `${pre}<@${id}>` : all;
  });
}

export type Segment = { kind: 'text'; text: string } | { kind: 'mention'; userId: string };

export function splitMentions(content: string): Segment[] {
  const out: Segment[] = [];
  const re = /<@([0-9a-f]{24})>/g;
  let last = 0;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    if (m.index > last) out.push({ kind: 'text', text: content.slice(last, m.index) });
    out.push({ kind: 'mention', userId: m[1] ?? '' });
    last = m.index + m[0].length;
  }
  if (last < content.length) out.push({ kind: 'text', text: content.slice(last) });
  return out;
}
