import type { MessageReference } from '@shared/api/messages';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

/** The message the composer of a channel is replying to, and whether the reply pings its author. */
export interface PendingReply {
  reference: MessageReference & { author: NonNullable<MessageReference['author']> };
  /** Shown as "Replying to <name>" (the member's nickname where they have one). */
  name: string;
  mention: boolean;
}

interface ReplyState {
  byChannel: Record<string, PendingReply | undefined>;
  start(channelId: string, reply: Omit<PendingReply, 'mention'>): void;
  toggleMention(channelId: string): void;
  cancel(channelId: string): void;
}

/** One pending reply per channel, kept while you switch channels (as Discord does). */
export const replyStore = createStore<ReplyState>()((set) => ({
  byChannel: {},
  start: (channelId, reply) => set((s) => ({ byChannel: { ...s.byChannel, [channelId]: { ...reply, mention: true } } })),
  toggleMention: (channelId) =>
    set((s) => {
      const cur = s.byChannel[channelId];
      return cur ? { byChannel: { ...s.byChannel, [channelId]: { ...cur, mention: !cur.mention } } } : s;
    }),
  cancel: (channelId) => set((s) => ({ byChannel: { ...s.byChannel, [channelId]: undefined } })),
}));

export const useReply = (channelId: string) => useStore(replyStore, (s) => s.byChannel[channelId]);
