import type { ChatMessage } from './message-merge';

const hex = (n: number) => n.toString(16).padStart(24, '0');

/** A confirmed message with a time-ordered id; `n` orders both. */
export function msg(n: number, over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: hex(n),
    channelId: hex(9000),
    guildId: hex(9001),
    author: { id: hex(1), username: 'alice', displayName: 'Alice', avatar: null },
    content: `message ${n}`,
    mentions: [],
    mentionRoles: [],
    type: 'default',
    nonce: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString(),
    editedAt: null,
    reactions: [],
    reference: null,
    pinned: false,
    embeds: [],
    suppressEmbeds: false,
    attachments: [],
    ...over,
  };
}

export { hex };
