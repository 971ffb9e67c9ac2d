import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import { api, authStore, chatStore, guildsStore, useGuilds } from '../../app/services';
import { useChatMembers } from './useChatMembers';
import { myPermissions } from '../guilds/permissions';
import type { EmojiEntry } from './emoji-data';
import {
  applySuggestion,
  encodeMentions,
  findTrigger,
  suggestChannels,
  suggestEmoji,
  suggestMentions,
  type ChannelTarget,
  type MentionTarget,
  type RoleTarget,
  type Suggestion,
} from './mentions';
import { useCan } from '../guilds/usePermissions';
import { AttachButton, filesFromPaste, useGuildUploadLimit } from './attachments/AttachButton';
import { UploadTray } from './attachments/UploadTray';
import { uploadsStore, useUploads } from './attachments/uploads';
import { ReplyBar } from './ReplyBar';
import { replyStore, useReply } from './reply.store';
import './composer.css';

const TYPING_EVERY_MS = 8000;

/** The emoji list loads with the first `:` search (it is also the picker's chunk), never with the composer. */
let emojiList: EmojiEntry[] | null = null;
async function loadEmoji(): Promise<EmojiEntry[]> {
  if (!emojiList) emojiList = (await import('./emoji-data')).EMOJI_GROUPS.flatMap((g) => g.items);
  return emojiList;
}

/**
 * Who and what this composer can mention: members the client knows, the roles the server will count, text channels.
 * In a DM (no guild): its recipients only.
 */
function useMentionTargets(guildId: string | null, channelId: string) {
  const membersList = useChatMembers(guildId, channelId);
  const rolesList = useGuilds((s) => (guildId ? s.rolesByGuild[guildId] : undefined));
  const channelsList = useGuilds((s) => (guildId ? s.channelsByGuild[guildId] : undefined));
  return useMemo(() => {
    const members: MentionTarget[] = (membersList ?? []).map((m) => ({
      id: m.user.id,
      username: m.user.username,
      displayName: m.user.displayName,
      nick: m.nick,
    }));
    // The roles the server will count: mentionable ones, or every one for members with MANAGE_ROLES.
    const g = guildsStore.getState();
    const channel = (channelsList ?? []).find((c) => c.id === channelId) ?? null;
    const anyRole =
      guildId !== null && hasPermission(myPermissions(g, authStore.getState().user?.id, guildId, channel), Permission.MANAGE_ROLES);
    const roles: RoleTarget[] = (rolesList ?? []).filter((r) => r.id !== guildId && (anyRole || r.mentionable));
    // The guild's channel list holds only channels I can view.
    const channels: ChannelTarget[] = (channelsList ?? []).filter((c) => c.type === 'text').map((c) => ({ id: c.id, name: c.name }));
    return { members, roles, channels };
  }, [membersList, rolesList, channelsList, guildId, channelId]);
}

/**
 * Multi-line composer: Enter sends, Shift+Enter inserts a newline; grows with its content.
 *
 * Autocomplete (ARIA combobox): `@` suggests members and roles, `#` channels, `:` + two letters emoji. ↑/↓ move,
 * Enter or Tab picks, Escape closes; a click picks too. The textarea shows names (`@Alice Smith`, `#general`) and the
 * send turns every name that means exactly one target into its wire form (`<@id>`, `<@&id>`, `<#id>`), typed or picked.
 */
export function Composer({ channelId, guildId, channelName }: { channelId: string; guildId: string | null; channelName: string }) {
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  /** The trigger position Escape closed (typing elsewhere opens the list again). */
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [emoji, setEmoji] = useState<EmojiEntry[] | null>(emojiList);
  const lastTyping = useRef(0);
  const ref = useRef<HTMLTextAreaElement>(null);
  const pendingCaret = useRef<number | null>(null);
  const targets = useMentionTargets(guildId, channelId);
  // Choosing Reply on a message puts the cursor here.
  const replyingTo = useReply(channelId)?.reference.messageId;
  useEffect(() => {
    if (replyingTo) ref.current?.focus();
  }, [replyingTo]);
  const channelRecord = useGuilds((s) => (guildId ? s.channelsByGuild[guildId]?.find((c) => c.id === channelId) : undefined));
  // Everyone in a DM may attach. A DM has no guild upload limit to read: the server applies its default there, and a
  // file over it is refused by the upload itself.
  const canAttachInGuild = useCan(guildId, 'ATTACH_FILES', channelRecord);
  const canAttach = guildId === null || canAttachInGuild;
  const uploadLimit = useGuildUploadLimit(guildId ?? '', canAttachInGuild && guildId !== null);
  const uploads = useUploads(channelId);
  const [hint, setHint] = useState<string | null>(null);

  const trigger = findTrigger(text, caret);
  useEffect(() => {
    if (trigger?.sigil === ':' && !emoji) void loadEmoji().then(setEmoji);
  }, [trigger?.sigil, emoji]);
  const suggestions: Suggestion[] = useMemo(() => {
    if (!trigger || trigger.start === dismissedAt) return [];
    if (trigger.sigil === '@') return suggestMentions(trigger.query, targets.members, targets.roles);
    if (trigger.sigil === '#') return suggestChannels(trigger.query, targets.channels);
    return emoji ? suggestEmoji(trigger.query, emoji) : [];
  }, [trigger?.sigil, trigger?.start, trigger?.query, dismissedAt, targets, emoji]); // eslint-disable-line react-hooks/exhaustive-deps
  const open = suggestions.length > 0;
  const current = Math.min(active, Math.max(0, suggestions.length - 1));
  const listId = `composer-suggestions-${channelId}`;
  const optionId = (i: number) => `${listId}-${i}`;

  useLayoutEffect(() => {
    if (pendingCaret.current === null || !ref.current) return;
    ref.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  });

  const send = () => {
    const content = text.trim();
    const attachments = uploads.length > 0 ? uploadsStore.getState().take(channelId) : [];
    if (attachments === null) {
      setHint('Wait for the uploads to finish.');
      return;
    }
    setHint(null);
    if (!content && attachments.length === 0) return;
    setText('');
    setCaret(0);
    lastTyping.current = 0;
    const reply = replyStore.getState().byChannel[channelId];
    replyStore.getState().cancel(channelId);
    void chatStore
      .getState()
      .send(
        channelId,
        guildId,
        encodeMentions(content, targets.members, targets.roles, targets.channels),
        reply ? { reference: reply.reference, mention: reply.mention } : undefined,
        attachments,
      );
  };

  const pick = (s: Suggestion) => {
    if (!trigger) return;
    const next = applySuggestion(text, trigger, caret, s);
    setText(next.text);
    setCaret(next.caret);
    setActive(0);
    pendingCaret.current = next.caret;
    ref.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open && !e.nativeEvent.isComposing) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setActive((current + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey) || (e.key === 'Tab' && !e.shiftKey)) {
        e.preventDefault();
        const s = suggestions[current];
        if (s) pick(s);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setDismissedAt(trigger?.start ?? null);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && replyStore.getState().byChannel[channelId]) {
      e.preventDefault();
      replyStore.getState().cancel(channelId);
    }
  };

  const onChange = (value: string, at: number) => {
    setText(value);
    setCaret(at);
    setActive(0);
    if (dismissedAt !== null && findTrigger(value, at)?.start !== dismissedAt) setDismissedAt(null);
    const now = Date.now();
    if (value && now - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = now;
      void api()
        .messages.typing(channelId)
        .catch(() => undefined);
    }
  };

  const rows = Math.min(10, text.split('\n').length);
  const heading = trigger?.sigil === '#' ? 'Channels' : trigger?.sigil === ':' ? 'Emoji matching' : 'Members and roles';
  return (
    <>
      <ReplyBar channelId={channelId} onDone={() => ref.current?.focus()} />
      <UploadTray channelId={channelId} />
      {hint && (
        <p className="muted" role="status">
          {hint}
        </p>
      )}
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        {open && (
          <div className="composer-suggestions">
            <div className="composer-suggestions-heading" id={`${listId}-label`}>
              {heading}
              {trigger?.query ? ` “${trigger.query}”` : ''}
            </div>
            <ul role="listbox" id={listId} aria-labelledby={`${listId}-label`}>
              {suggestions.map((s, i) => (
                <li
                  key={s.key}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === current}
                  className={`composer-suggestion${i === current ? ' active' : ''}`}
                  // Keep the caret in the textarea: pick on mousedown, before it would take the focus.
                  onMouseDown={(e) => {
                    e.preventDefault();
                    pick(s);
                  }}
                  onMouseEnter={() => setActive(i)}
                >
                  <span className={`composer-suggestion-label${s.kind === 'emoji' ? ' emoji' : ''}`}>{s.label}</span>
                  <span className="composer-suggestion-detail">{s.detail}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
        <div className="composer-row">
          {canAttach && <AttachButton channelId={channelId} maxBytes={uploadLimit} />}
          <textarea
            ref={ref}
            value={text}
            rows={rows}
            maxLength={4000}
            placeholder={guildId ? `Message #${channelName}` : `Message ${channelName}`}
            aria-label={guildId ? `Message #${channelName}` : `Message ${channelName}`}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={open}
            aria-controls={open ? listId : undefined}
            aria-activedescendant={open ? optionId(current) : undefined}
            onChange={(e) => onChange(e.target.value, e.target.selectionStart)}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
            onKeyDown={onKeyDown}
            onBlur={() => setDismissedAt(trigger?.start ?? null)}
            onFocus={() => setDismissedAt(null)}
            onPaste={(e) => {
              const files = canAttach ? filesFromPaste(e.clipboardData) : [];
              if (files.length === 0) return;
              e.preventDefault();
              uploadsStore.getState().add(channelId, files, uploadLimit);
            }}
          />
        </div>
      </form>
    </>
  );
}
