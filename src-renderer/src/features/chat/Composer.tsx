import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import { api, authStore, chatStore, guildsStore, useGuilds } from '../../app/services';
import { myPermissions } from '../guilds/permissions';
import { useCan } from '../guilds/usePermissions';
import { AttachButton, filesFromPaste, useGuildUploadLimit } from './attachments/AttachButton';
import { UploadTray } from './attachments/UploadTray';
import { uploadsStore, useUploads } from './attachments/uploads';
import { encodeMentions } from './mentions';
import { ReplyBar } from './ReplyBar';
import { replyStore, useReply } from './reply.store';

const TYPING_EVERY_MS = 8000;

/** Multi-line composer: Enter sends, Shift+Enter inserts a newline; grows with its content. */
export function Composer({ channelId, guildId, channelName }: { channelId: string; guildId: string; channelName: string }) {
  const [text, setText] = useState('');
  const lastTyping = useRef(0);
  const ref = useRef<HTMLTextAreaElement>(null);
  // Choosing Reply on a message puts the cursor here.
  const replyingTo = useReply(channelId)?.reference.messageId;
  useEffect(() => {
    if (replyingTo) ref.current?.focus();
  }, [replyingTo]);
  const channelRecord = useGuilds((s) => s.channelsByGuild[guildId]?.find((c) => c.id === channelId));
  const canAttach = useCan(guildId, 'ATTACH_FILES', channelRecord);
  const uploadLimit = useGuildUploadLimit(guildId, canAttach);
  const uploads = useUploads(channelId);
  const [hint, setHint] = useState<string | null>(null);

  const send = () => {
    const content = text.trim();
    const attachments = uploads.length > 0 ? uploadsStore.getState().take(channelId) : [];
    if (attachments === null) {
      setHint('Wait for the uploads to finish.');
      return;
    }
    setHint(null);
    if (!content && attachments.length === 0) return;
    const g = guildsStore.getState();
    const members = (g.membersByGuild[guildId] ?? []).map((m) => ({ id: m.user.id, username: m.user.username }));
    // The roles the server will count: mentionable ones, or every one for members with MANAGE_ROLES.
    const channel = g.channelsByGuild[guildId]?.find((c) => c.id === channelId) ?? null;
    const anyRole = hasPermission(myPermissions(g, authStore.getState().user?.id, guildId, channel), Permission.MANAGE_ROLES);
    const roles = (g.rolesByGuild[guildId] ?? []).filter((r) => r.id !== guildId && (anyRole || r.mentionable));
    setText('');
    lastTyping.current = 0;
    const reply = replyStore.getState().byChannel[channelId];
    replyStore.getState().cancel(channelId);
    void chatStore
      .getState()
      .send(
        channelId,
        guildId,
        encodeMentions(content, members, roles),
        reply ? { reference: reply.reference, mention: reply.mention } : undefined,
        attachments,
      );
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && replyStore.getState().byChannel[channelId]) {
      e.preventDefault();
      replyStore.getState().cancel(channelId);
    }
  };

  const onChange = (value: string) => {
    setText(value);
    const now = Date.now();
    if (value && now - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = now;
      void api()
        .messages.typing(channelId)
        .catch(() => undefined);
    }
  };

  const rows = Math.min(10, text.split('\n').length);
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
        <div className="composer-row">
          {canAttach && <AttachButton channelId={channelId} maxBytes={uploadLimit} />}
          <textarea
            ref={ref}
            value={text}
            rows={rows}
            maxLength={4000}
            placeholder={`Message #${channelName}`}
            aria-label={`Message #${channelName}`}
            onChange={(e) => onChange(e.target.value)}
            onKeyDown={onKeyDown}
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
