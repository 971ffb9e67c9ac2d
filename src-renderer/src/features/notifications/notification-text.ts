import type { Message } from '../../api/types';

/**
 * What a notification says: "Author in #channel" and the message with its mentions written as names (`@Ann Lee`,
 * `@Role`, `#channel`), cut to what the OS shows.
 */
export function notificationText(
  m: Pick<Message, 'author' | 'content' | 'mentions' | 'channelId'>,
  names: { channels: readonly { id: string; name: string }[]; roles: readonly { id: string; name: string }[] },
): { title: string; body: string } {
  const channel = names.channels.find((c) => c.id === m.channelId);
  const body = m.content
    .replace(/<@([0-9a-f]{24})>/g, (_all, id: string) => `@${m.mentions.find((u) => u.id === id)?.displayName ?? 'someone'}`)
    .replace(/<@&([0-9a-f]{24})>/g, (_all, id: string) => `@${names.roles.find((r) => r.id === id)?.name ?? 'role'}`)
    .replace(/<#([0-9a-f]{24})>/g, (_all, id: string) => `#${names.channels.find((c) => c.id === id)?.name ?? 'channel'}`);
  return { title: `${m.author.displayName}${channel ? ` in #${channel.name}` : ''}`, body: body.slice(0, 1000) };
}
