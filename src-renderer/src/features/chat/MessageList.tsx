import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { BotTag } from '../bots/BotTag';
import { api, chatStore, searchStore, uiStore, unreadStore, useAuth, useChat, useGuilds, useSearch, useUnread } from '../../app/services';
import type { Member } from '../../api/types';
import { Avatar, nameColorFor } from '../../ui/Avatar';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { PencilIcon, PinIcon, ReplyIcon, SpeakerIcon, TrashIcon } from '../../ui/icons';
import { memberName } from '../guilds/ChannelSidebar';
import { memberMenuTriggerProps, openMemberMenu } from '../members/MemberMenuTrigger';
import { startsGroup, type ChatMessage } from './message-merge';
import '../guilds/structure.css';
import { MessageMarkdown } from './markdown/Markdown';
import { useMentionResolver } from './markdown/useMentionResolver';
import { mentionsMe as isForMe } from './mentions';
import { isUnread } from '../guilds/unread.store';
import { firstUnread, MAX_UNREAD_PAGES } from './first-unread';
import { markChannelRead, MarkUnreadButton, onMessageAltClick, UnreadBar } from './read-marker';
import { useCan } from '../guilds/usePermissions';
import { Attachments } from './attachments/Attachments';
import { AddReactionButton, MessageReactions } from './ReactionBar';
import { replyStore } from './reply.store';
import { ReplyQuote } from './ReplyQuote';
import { EditHistoryButton } from './EditHistoryButton';
import { LinkEmbeds } from './LinkEmbed';
import { removeLinkPreviews } from './link-embed.actions';
import { useChatMembers } from './useChatMembers';
import { BlockedBar, blockedRuns, useBlockedIds } from './blocked';

const EMPTY: ChatMessage[] = [];
const NO_ROLES: string[] = [];
const NEAR_BOTTOM_PX = 80;
const LOAD_OLDER_PX = 400;

// One formatter each, created once: toLocaleTimeString() with options builds a new Intl formatter per call, which
// shows up in scroll profiles when dozens of rows mount per frame.
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit' });
const todayKey = () => new Date().toDateString();

/**
 * Row heights come from the virtualizer's ResizeObserver, which reports every mounted row's size in one batch after
 * layout. The library's default also measures each row as it mounts with getBoundingClientRect, which forces a layout
 * per row: with 20-odd rows per screen that was the largest single cost of the first render and of scrolling. Until the
 * observer reports, a row keeps its last known (or estimated) height.
 */
function measureRow(el: Element, entry: ResizeObserverEntry | undefined, v: Virtualizer<HTMLDivElement, Element>): number {
  const box = entry?.borderBoxSize?.[0];
  if (box) return Math.round(box.blockSize);
  if (entry) return Math.round(el.getBoundingClientRect().height);
  const index = v.indexFromElement(el);
  return v.itemSizeCache.get(v.options.getItemKey(index)) ?? v.options.estimateSize(index);
}

/**
 * Whether each message starts a group (shows its author), and a height estimate for rows not measured yet: the
 * closer the estimate, the less the list shifts when the real height arrives. Lines are guessed from the text's
 * length and line breaks; code blocks, quotes of a reply, reactions, attachments and link cards add their usual height.
 */
function rowLayout(messages: readonly ChatMessage[]): { heads: boolean[]; estimates: number[] } {
  const heads: boolean[] = [];
  const estimates: number[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as ChatMessage;
    const head = startsGroup(messages[i - 1], m);
    heads.push(head);
    let lines = 0;
    for (const line of m.content.split('\n')) lines += Math.max(1, Math.ceil(line.length / 90));
    let h = (head ? 42 : 2) + 22 * lines;
    if (m.content.includes('```')) h += 20;
    if (m.reference) h += 22;
    if (m.reactions.length > 0) h += 32;
    h += m.attachments.length * 120 + m.embeds.length * 90;
    estimates.push(h);
  }
  return { heads, estimates };
}

function timeLabel(iso: string): string {
  const d = new Date(iso);
  const t = timeFmt.format(d);
  if (d.toDateString() === todayKey()) return `Today at ${t}`;
  return `${dateFmt.format(d)} ${t}`;
}

/**
 * The channel's messages, virtualized (only what is on screen is in the DOM, so 10,000 messages scroll smoothly).
 * Sticks to the bottom while you are there, loads older pages near the top while keeping your place, shows a "new"
 * divider at the first unread message and a "jump to present" bar when you have scrolled away.
 */
export function MessageList({ channelId, guildId, channelName }: { channelId: string; guildId: string | null; channelName: string }) {
  // A channel's first page (on start-up above all) is rendered as a transition, in interruptible slices instead of one
  // long task that blocks input. Only the first: later pages and new messages render at once (a deferred copy of the
  // whole channel lagged behind while the reader kept scrolling, since every scroll update restarted its render).
  const live = useChat((s) => s.channels[channelId]);
  const firstPageShown = useDeferredValue(live?.loaded === true);
  const state = live?.loaded && !firstPageShown ? undefined : live;
  const messages = state?.messages ?? EMPTY;
  const hasMoreBefore = state?.hasMoreBefore ?? true;
  const loaded = state?.loaded ?? false;
  const loadingBefore = state?.loadingBefore ?? false;
  const error = state?.error ?? null;
  const members = useChatMembers(guildId, channelId);
  const selfId = useAuth((s) => s.user?.id ?? '');
  // The read marker as it was when the channel was opened: the "NEW" divider must not move while you read (only a
  // "mark unread", here or on another device, moves it).
  const [readAtOpen, setReadAtOpen] = useState(() => unreadStore.getState().lastReadId[channelId] ?? null);
  const channelUnread = useUnread((s) => isUnread(s, channelId));
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  // After "mark unread" the channel stays unread while you look at it, until Escape, "Mark as read" or the next visit.
  const holdUnread = useRef(false);
  const positioned = useRef(false);
  const olderPages = useRef(0);
  const [unreadOffscreen, setUnreadOffscreen] = useState(false);
  const [showJump, setShowJump] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const prevFirst = useRef<string | undefined>(undefined);
  const prevHeight = useRef(0);

  const memberById = useMemo(() => new Map((members ?? []).map((m) => [m.user.id, m])), [members]);
  const roles = useGuilds((s) => (guildId ? s.rolesByGuild[guildId] : undefined));
  const roleNames = useMemo(() => new Map((roles ?? []).map((r) => [r.id, r.name])), [roles]);
  const myRoleIds = memberById.get(selfId)?.roleIds ?? NO_ROLES;
  const channel = useGuilds((s) => (guildId ? s.channelsByGuild[guildId]?.find((c) => c.id === channelId) : undefined));
  // In a DM every recipient may react, reply and pin (the contract of src-shared/api/private-channels.ts).
  const dm = guildId === null;
  const canReact = useCan(guildId, 'ADD_REACTIONS', channel) || dm;
  const canSend = useCan(guildId, 'SEND_MESSAGES', channel) || dm;
  const canPin = useCan(guildId, 'MANAGE_MESSAGES', channel) || dm;
  const blocked = useBlockedIds();
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(() => new Set());
  const [highlight, setHighlight] = useState<string | null>(null);

  const unread = useMemo(() => firstUnread(messages, readAtOpen, selfId, hasMoreBefore), [messages, readAtOpen, selfId, hasMoreBefore]);
  const firstUnreadIdx = unread.index;

  useEffect(
    () =>
      unreadStore.subscribe((s, prev) => {
        const now = s.lastReadId[channelId];
        const before = prev.lastReadId[channelId];
        if (now !== undefined && before !== undefined && now < before) {
          holdUnread.current = true;
          setReadAtOpen(now);
        }
      }),
    [channelId],
  );

  // Per row, computed once per list (not per frame): the virtualizer asks for the estimate of every row not yet
  // measured whenever a measurement changes, which with 10,000 messages made date parsing the top cost of scrolling.
  const rows = useMemo(() => rowLayout(messages), [messages]);
  const runs = useMemo(() => blockedRuns(messages, blocked), [messages, blocked]);
  /** A blocked message not revealed: the first of its run shows the bar, the others nothing. */
  const hiddenAt = (i: number) => {
    const run = runs[i];
    return run && !revealed.has(run.key) ? run : null;
  };
  const toggleRun = useCallback(
    (key: string) =>
      setRevealed((r) => {
        const next = new Set(r);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
    [],
  );
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => {
      const hidden = hiddenAt(i);
      if (hidden) return hidden.start === i ? 28 : 0;
      return rows.estimates[i] ?? 24;
    },
    overscan: 8,
    measureElement: measureRow,
    getItemKey: (i) => {
      const m = messages[i];
      return m?.nonce ?? m?.id ?? i;
    },
  });

  // Open at the first unread message (loading older pages until it is there), not at the bottom.
  useLayoutEffect(() => {
    if (positioned.current || !loaded || messages.length === 0) return;
    if (unread.beyondLoaded && olderPages.current < MAX_UNREAD_PAGES) {
      atBottom.current = false;
      if (!loadingBefore) {
        olderPages.current += 1;
        void chatStore.getState().loadOlder(channelId);
      }
      return;
    }
    positioned.current = true;
    if (firstUnreadIdx < 0) return;
    atBottom.current = false;
    virtualizer.scrollToIndex(firstUnreadIdx, { align: 'start' });
    // When everything from the first unread on fits on screen, the list is at its bottom and the reader sees it all:
    // the scroll handler then finds it at the bottom and marks the channel read, as Discord does.
    requestAnimationFrame(() => scrollRef.current?.dispatchEvent(new Event('scroll')));
  }, [loaded, messages, unread.beyondLoaded, firstUnreadIdx, loadingBefore, channelId, virtualizer]);

  // Keep the reader's place when older messages are prepended; follow the tail when at the bottom.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const first = messages[0]?.nonce ?? messages[0]?.id;
    const total = virtualizer.getTotalSize();
    if (prevFirst.current !== undefined && first !== prevFirst.current && !atBottom.current) {
      el.scrollTop += total - prevHeight.current;
    } else if (atBottom.current && messages.length > 0) {
      virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
    }
    prevFirst.current = first;
    prevHeight.current = total;
  }, [messages, virtualizer]);

  const markReadIfVisible = useCallback(() => {
    // Only what is really seen: at the bottom, in a focused window, not held unread.
    if (!atBottom.current || holdUnread.current || document.hidden || !document.hasFocus()) return;
    const last = [...messages].reverse().find((m) => m.sendState === undefined);
    if (last) unreadStore.getState().markRead(channelId, last.id);
  }, [messages, channelId]);

  useEffect(() => {
    markReadIfVisible();
    const onVis = () => markReadIfVisible();
    document.addEventListener('visibilitychange', onVis);
    window.addEventListener('focus', onVis);
    return () => {
      document.removeEventListener('visibilitychange', onVis);
      window.removeEventListener('focus', onVis);
    };
  }, [markReadIfVisible]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
    atBottom.current = distance < NEAR_BOTTOM_PX;
    setShowJump(distance > el.clientHeight * 1.5);
    const divider = firstUnreadIdx >= 0 ? virtualizer.measurementsCache[firstUnreadIdx] : undefined;
    setUnreadOffscreen(divider ? divider.start < el.scrollTop || divider.start > el.scrollTop + el.clientHeight : unread.beyondLoaded);
    if (el.scrollTop < LOAD_OLDER_PX && hasMoreBefore && !loadingBefore && loaded) void chatStore.getState().loadOlder(channelId);
    if (atBottom.current) markReadIfVisible();
  };

  const jumpToPresent = () => {
    atBottom.current = true;
    setShowJump(false);
    virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
  };

  const jumpToFirstUnread = () => {
    if (firstUnreadIdx >= 0) {
      atBottom.current = false;
      virtualizer.scrollToIndex(firstUnreadIdx, { align: 'start' });
      setUnreadOffscreen(false);
    } else if (unread.beyondLoaded) {
      // Not loaded yet: load older pages until it is, then the opening logic scrolls there.
      positioned.current = false;
      olderPages.current = 0;
      atBottom.current = false;
      void chatStore.getState().loadOlder(channelId);
    }
  };

  const markAllRead = () => {
    holdUnread.current = false;
    markChannelRead(channelId, messages);
  };

  // Keyboard: PageUp/PageDown/Home/End work natively on the focusable scroller; End also re-sticks to the bottom.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'End' && e.ctrlKey) jumpToPresent();
  };
  // Escape anywhere in the message area (not while editing a message) marks the channel read, as in Discord.
  const onAreaKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !(e.target as HTMLElement).closest('textarea, [role="dialog"]')) markAllRead();
  };

  /**
   * A reply's quote line: scroll to the original and highlight it. When it is older than what is loaded, older pages
   * load until it is there (the list stays one contiguous run up to the live tail, so no `around` jump is needed).
   */
  const jumpTo = useCallback(
    async (messageId: string) => {
      atBottom.current = false;
      for (let guard = 0; guard < 100; guard++) {
        const c = chatStore.getState().channels[channelId];
        if (!c || c.messages.some((m) => m.id === messageId)) break;
        if (!c.hasMoreBefore) return;
        await chatStore.getState().loadOlder(channelId);
      }
      setHighlight(messageId);
      // After the render that holds it: scroll it to the middle.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          const idx = chatStore.getState().channels[channelId]?.messages.findIndex((m) => m.id === messageId) ?? -1;
          if (idx >= 0) virtualizer.scrollToIndex(idx, { align: 'center' });
        }),
      );
      window.setTimeout(() => setHighlight((h) => (h === messageId ? null : h)), 3000);
    },
    [channelId, virtualizer],
  );
  const onJump = useCallback((id: string) => void jumpTo(id), [jumpTo]);

  // A search result of this channel asked for its message: jump there once the channel has loaded, and take focus
  // (the result was chosen from the search panel, which may close).
  const jumpWanted = useSearch((s) => (s.jump?.channelId === channelId ? s.jump.messageId : null));
  useEffect(() => {
    if (!jumpWanted || !loaded) return;
    const messageId = searchStore.getState().takeJump(channelId);
    if (!messageId) return;
    positioned.current = true;
    scrollRef.current?.focus({ preventScroll: true });
    void jumpTo(messageId);
  }, [jumpWanted, loaded, channelId, jumpTo]);

  const items = virtualizer.getVirtualItems();
  return (
    <div className="message-area" onKeyDown={onAreaKeyDown}>
      {channelUnread && readAtOpen !== null && unread.count > 0 && unreadOffscreen && (
        <UnreadBar count={unread.count} more={unread.beyondLoaded} onJump={jumpToFirstUnread} onMarkRead={markAllRead} />
      )}
      <div
        ref={scrollRef}
        className="message-scroller"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        tabIndex={0}
        role="log"
        aria-label={dm ? `Messages with ${channelName}` : `Messages in #${channelName}`}
        aria-busy={!loaded || loadingBefore}
        data-count={messages.length}
      >
        {loaded && !hasMoreBefore && (
          <div className="channel-welcome">
            <div className="welcome-icon" aria-hidden="true">
              {channel?.type === 'voice' ? <SpeakerIcon size={36} /> : dm ? '@' : '#'}
            </div>
            {dm ? (
              <>
                <h2>{channelName}</h2>
                <p className="muted">This is the beginning of your direct message history with {channelName}.</p>
              </>
            ) : channel?.type === 'voice' ? (
              <>
                <h2>Welcome to {channelName}!</h2>
                <p className="muted">This is the start of the {channelName} voice channel&apos;s chat.</p>
              </>
            ) : (
              <>
                <h2>Welcome to #{channelName}!</h2>
                <p className="muted">This is the start of the #{channelName} channel.</p>
              </>
            )}
          </div>
        )}
        {loadingBefore && <div className="loading-older muted small">Loading older messages…</div>}
        {error && (
          <div className="form-error small" role="alert">
            {error}{' '}
            <button
              type="button"
              className="link-btn"
              onClick={() => void (loaded ? chatStore.getState().loadOlder(channelId) : chatStore.getState().loadLatest(channelId))}
            >
              Try again
            </button>
          </div>
        )}
        <div className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
          <div className="virtual-window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
            {items.map((vi) => {
              const m = messages[vi.index];
              if (!m) return null;
              return (
                <div key={vi.key} data-index={vi.index} ref={virtualizer.measureElement}>
                  {vi.index === firstUnreadIdx && (
                    <div className="new-divider" role="separator" aria-label="New messages">
                      <span>NEW</span>
                    </div>
                  )}
                  {runs[vi.index]?.start === vi.index && (
                    <BlockedBar
                      count={runs[vi.index]?.count ?? 0}
                      shown={revealed.has(runs[vi.index]?.key ?? '')}
                      onToggle={() => toggleRun(runs[vi.index]?.key ?? '')}
                    />
                  )}
                  {hiddenAt(vi.index) ? null : m.type !== 'default' ? (
                    <SystemMessageRow message={m} name={memberName(memberById.get(m.author.id), m.author.displayName)} />
                  ) : (
                    <MessageRow
                      message={m}
                      head={rows.heads[vi.index] ?? true}
                      author={memberById.get(m.author.id)}
                      memberById={memberById}
                      selfId={selfId}
                      editing={editing === m.id}
                      onEdit={setEditing}
                      roleNames={roleNames}
                      myRoleIds={myRoleIds}
                      canReact={canReact}
                      canSend={canSend}
                      canPin={canPin}
                      highlighted={highlight === m.id}
                      onJump={onJump}
                    />
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {showJump && (
        <button type="button" className="jump-present" onClick={jumpToPresent}>
          You're viewing older messages <strong>Jump To Present</strong>
        </button>
      )}
    </div>
  );
}

interface RowProps {
  message: ChatMessage;
  head: boolean;
  author: Member | undefined;
  memberById: Map<string, Member>;
  selfId: string;
  editing: boolean;
  onEdit: (id: string | null) => void;
  roleNames: Map<string, string>;
  myRoleIds: readonly string[];
  canReact: boolean;
  canSend: boolean;
  canPin: boolean;
  highlighted: boolean;
  onJump: (messageId: string) => void;
}

/** A message the server posted (a member joined): one line, no author menu, no actions. */
function SystemMessageRow({ message: m, name }: { message: ChatMessage; name: string }) {
  return (
    <article
      className="system-message"
      aria-label={`${name} joined the server, ${timeLabel(m.createdAt)}`}
      data-message-id={m.id}
      data-type={m.type}
    >
      <span className="system-icon" aria-hidden="true">
        →
      </span>
      <p>
        <strong>{name}</strong> joined the server.
      </p>
      <time className="muted small" dateTime={m.createdAt}>
        {timeLabel(m.createdAt)}
      </time>
    </article>
  );
}

const MessageRow = memo(function MessageRow({
  message: m,
  head,
  author,
  memberById,
  selfId,
  editing,
  onEdit,
  roleNames,
  myRoleIds,
  canReact,
  canSend,
  canPin,
  highlighted,
  onJump,
}: RowProps) {
  const name = author ? memberName(author, m.author.displayName) : m.author.displayName;
  const guildId = m.guildId;
  const mentionsMe = isForMe(m, selfId, myRoleIds);
  const own = m.author.id === selfId;
  const pending = m.sendState !== undefined;
  // A reply always shows who wrote it, under its quote line.
  const showHead = head || m.reference !== null;
  const [confirming, setConfirming] = useState(false);
  const resolver = useMentionResolver(m, memberById, roleNames);
  const editButton = useRef<HTMLButtonElement>(null);
  // Leaving the edit box (Enter or Escape) removes the focused textarea: hand focus back to this message's Edit button.
  const [wasEditing, setWasEditing] = useState(editing);
  const [returnFocus, setReturnFocus] = useState(false);
  if (wasEditing !== editing) {
    setWasEditing(editing);
    if (!editing) setReturnFocus(true);
  }
  useEffect(() => {
    if (!returnFocus) return;
    // Focusing it (or focus going anywhere, or the pointer leaving) ends the hand-back: see the handlers below.
    if (document.activeElement === document.body || document.activeElement === null) editButton.current?.focus();
  }, [returnFocus]);
  // The action toolbar exists only on the row being pointed at or holding focus (tens of rows stay mounted while
  // scrolling, and their hidden toolbars were a third of the list's DOM). Focus moving inside the row (the emoji picker
  // and the delete dialog are inside it) keeps it; right after an edit it is rendered for the Edit button to take
  // focus back.
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const showActions = !pending && !editing && (hovered || focused || confirming || returnFocus);
  return (
    <article
      className={`message${showHead ? ' head' : ''}${mentionsMe ? ' mentioned' : ''}${m.sendState ? ` ${m.sendState}` : ''}${highlighted ? ' jump-highlight' : ''}${m.reference ? ' reply' : ''}`}
      aria-label={`${name}, ${timeLabel(m.createdAt)}`}
      data-message-id={pending ? undefined : m.id}
      data-nonce={m.nonce ?? undefined}
      onClick={(e) => onMessageAltClick(m, e)}
      // In the tab order so that the keyboard reaches every message's actions: Tab onto a message, then into its
      // toolbar (first in the row, so Shift+Tab from below reaches it too).
      tabIndex={0}
      onPointerEnter={() => setHovered(true)}
      onPointerLeave={() => {
        setHovered(false);
        setReturnFocus(false);
      }}
      onFocus={() => {
        setFocused(true);
        setReturnFocus(false);
      }}
      onBlur={(e) => {
        // Moving within the row (onto its toolbar, into the emoji picker or the delete dialog) keeps it.
        if (e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget)) return;
        setFocused(false);
        setReturnFocus(false);
      }}
    >
      {showActions && (
        <div className="message-actions" role="toolbar" aria-label="Message actions">
          <MarkUnreadButton message={m} />
          {canReact && <AddReactionButton message={m} />}
          {canSend && (
            <button
              type="button"
              className="icon-btn small"
              aria-label="Reply"
              title="Reply"
              onClick={() =>
                replyStore
                  .getState()
                  .start(m.channelId, { reference: { messageId: m.id, author: m.author, excerpt: m.content.slice(0, 120) }, name })
              }
            >
              <ReplyIcon size={16} />
            </button>
          )}
          {canPin && (
            <button
              type="button"
              className="icon-btn small"
              aria-label={m.pinned ? 'Unpin message' : 'Pin message'}
              title={m.pinned ? 'Unpin' : 'Pin'}
              aria-pressed={m.pinned}
              onClick={() =>
                void (m.pinned ? api().messages.unpin(m.channelId, m.id) : api().messages.pin(m.channelId, m.id)).catch(() => undefined)
              }
            >
              <PinIcon size={16} />
            </button>
          )}
          {canPin && m.editedAt && <EditHistoryButton message={m} />}
          {own && (
            <>
              <button
                ref={editButton}
                type="button"
                className="icon-btn small"
                aria-label="Edit message"
                title="Edit"
                onClick={() => onEdit(m.id)}
              >
                <PencilIcon size={16} />
              </button>
              <button
                type="button"
                className="icon-btn small danger"
                aria-label="Delete message"
                title="Delete (hold Shift to skip confirmation)"
                onClick={(e) => {
                  if (e.shiftKey) void removeMessage(m.channelId, m.id);
                  else setConfirming(true);
                }}
              >
                <TrashIcon size={16} />
              </button>
            </>
          )}
        </div>
      )}
      {m.reference && (
        <ReplyQuote
          reference={m.reference}
          name={m.reference.author ? memberName(memberById.get(m.reference.author.id), m.reference.author.displayName) : null}
          onJump={onJump}
        />
      )}
      {showHead ? (
        <Avatar id={m.author.id} name={name} avatar={author ? author.user.avatar : m.author.avatar} size={40} />
      ) : (
        <time className="hover-time" dateTime={m.createdAt}>
          {timeFmt.format(new Date(m.createdAt))}
        </time>
      )}
      <div className="message-body">
        {showHead && (
          <header>
            {guildId ? (
              <button
                type="button"
                className="author author-btn"
                style={{ color: nameColorFor(m.author.id) }}
                aria-haspopup="menu"
                {...memberMenuTriggerProps(guildId, m.author.id, 'chat')}
                onClick={(e) => openMemberMenu(guildId, m.author.id, 'chat', e.currentTarget)}
              >
                {name}
              </button>
            ) : (
              // A DM has no member menu (it is a guild's): the name is text.
              <span className="author" style={{ color: nameColorFor(m.author.id) }}>
                {name}
              </span>
            )}
            <BotTag bot={m.author.bot} />
            <time dateTime={m.createdAt}>{timeLabel(m.createdAt)}</time>
            {m.pinned && (
              <span className="pinned-mark">
                <PinIcon size={12} /> Pinned
              </span>
            )}
          </header>
        )}
        {editing ? (
          <EditBox message={m} onDone={() => onEdit(null)} />
        ) : (
          <div className="content">
            <MessageMarkdown content={m.content} resolver={resolver} />
            {m.editedAt && <span className="edited muted"> (edited)</span>}
          </div>
        )}
        <Attachments channelId={m.channelId} attachments={m.attachments} />
        {!pending && <LinkEmbeds message={m} onRemove={own || canPin ? () => removeLinkPreviews(m) : null} />}
        {!pending && <MessageReactions message={m} canReact={canReact} />}
        {m.sendState === 'failed' && (
          <div className="send-failed" role="alert">
            Message failed to send.{' '}
            <button type="button" className="link-btn" onClick={() => void chatStore.getState().retry(m.channelId, m.nonce ?? '')}>
              Retry
            </button>{' '}
            <button type="button" className="link-btn" onClick={() => chatStore.getState().discard(m.channelId, m.nonce ?? '')}>
              Discard
            </button>
          </div>
        )}
      </div>
      {confirming && (
        <ConfirmDialog
          open
          title="Delete message"
          confirmLabel="Delete"
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void removeMessage(m.channelId, m.id);
          }}
        >
          <p>Are you sure you want to delete this message?</p>
        </ConfirmDialog>
      )}
    </article>
  );
});

/** Deletes a message; a refusal (no longer allowed, gone) shows as a toast, since the row is where the user acted. */
async function removeMessage(channelId: string, messageId: string): Promise<void> {
  const r = await chatStore.getState().remove(channelId, messageId);
  if (!r.ok) uiStore.getState().toast('error', r.message);
}

function EditBox({ message, onDone }: { message: ChatMessage; onDone: () => void }) {
  const [text, setText] = useState(message.content);
  const save = async () => {
    const content = text.trim();
    if (!content || content === message.content) return onDone();
    const r = await chatStore.getState().edit(message.channelId, message.id, content);
    if (r.ok) onDone();
    else uiStore.getState().toast('error', r.message);
  };
  return (
    <div className="edit-box">
      <textarea
        value={text}
        autoFocus
        aria-label="Edit message"
        rows={Math.min(8, text.split('\n').length)}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone();
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <span className="muted small">
        escape to{' '}
        <button type="button" className="link-btn" onClick={onDone}>
          cancel
        </button>{' '}
        • enter to{' '}
        <button type="button" className="link-btn" onClick={() => void save()}>
          save
        </button>
      </span>
    </div>
  );
}
