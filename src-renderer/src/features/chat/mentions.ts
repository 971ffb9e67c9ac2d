/**
 * Mentions travel as `<@userId>` and `<@&roleId>` (Discord's forms); the composer turns `@username` and `@Role Name`
 * into those, the renderer turns them back into names.
 */
export interface MentionTarget {
  id: string;
  username: string;
}

/** A role the composer may turn into a mention: mentionable ones, or all of them for members with MANAGE_ROLES. */
export interface RoleTarget {
  id: string;
  name: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function encodeMentions(text: string, members: readonly MentionTarget[], roles: readonly RoleTarget[] = []): string {
  if (!text.includes('@')) return text;
  let out = text;
  // Longest names first, so "@Sound Crew" wins over a role named "Sound"; role names may contain spaces.
  for (const role of [...roles].sort((a, b) => b.name.length - a.name.length)) {
    const re = new RegExp(`(^|[\\s(])@${escapeRe(role.name)}(?=$|[\\s.,!?;:)])`, 'gi');
    out = out.replace(re, (_all, pre: string) => `${pre}<@&${role.id}>`);
  }
  const byName = new Map(members.map((m) => [m.username.toLowerCase(), m.id]));
  return out.replace(/(^|[\s(])@([A-Za-z0-9_.-]{2,32})/g, (all, pre: string, name: string) => {
    const id = byName.get(name.toLowerCase());
    return id ? `${pre}<@${id}>` : all;
  });
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
