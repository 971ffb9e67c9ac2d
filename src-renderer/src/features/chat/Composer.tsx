import { useRef, useState, type KeyboardEvent } from 'react';
import { api, chatStore, guildsStore } from '../../app/services';
import { encodeMentions } from './mentions';

const TYPING_EVERY_MS = 8000;

/** Multi-line composer: Enter sends, Shift+Enter inserts a newline; grows with its content. */
export function Composer({ channelId, guildId, channelName }: { channelId: string; guildId: string; channelName: string }) {
  const [text, setText] = useState('');
  const lastTyping = useRef(0);
  const ref = useRef<HTMLTextAreaElement>(null);

  const send = () => {
    const content = text.trim();
    if (!content) return;
    const members = (guildsStore.getState().membersByGuild[guildId] ?? []).map((m) => ({ id: m.user.id, username: m.user.username }));
    setText('');
    lastTyping.current = 0;
    void chatStore.getState().send(channelId, guildId, encodeMentions(content, members));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };

  const onChange = (value: string) => {
    setText(value);
    const now = Date.now();
    if (value && now - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = now;
      void api().messages.typing(channelId).catch(() => undefined);
    }
  };

  const rows = Math.min(10, text.split('\n').length);
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={ref}
        value={text}
        rows={rows}
        maxLength={4000}
        placeholder={`Message #${channelName}`}
        aria-label={`Message #${channelName}`}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
    </form>
  );
}
