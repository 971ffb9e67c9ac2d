import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Message } from '@shared/api/messages';
import { guildsStore, searchStore, useGuilds, useSearch } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { CloseIcon, HashIcon, SearchIcon } from '../../ui/icons';
import { memberName } from '../guilds/ChannelSidebar';
import { highlightPieces, parseSearch, searchPeople } from './search-query';
import './search.css';

const fmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const EMPTY_MEMBERS: never[] = [];

/** Focuses the guild's search box on Ctrl/Cmd+F (instead of the browser's find-in-page) while a guild is open. */
function useFindShortcut(input: React.RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [input]);
}

/**
 * The chat header's search box: Discord's operators (`from:`, `in:#`, `has:`, `before:`, `after:`, `mentions:`) and
 * words, run on Enter; Escape clears it and closes the results.
 */
export function SearchBox({ guildId }: { guildId: string }) {
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const members = useGuilds((s) => s.membersByGuild[guildId]) ?? EMPTY_MEMBERS;
  const channels = useGuilds((s) => s.channelsByGuild[guildId]);
  useFindShortcut(input);

  const run = () => {
    const parsed = parseSearch(text, {
      people: searchPeople(members),
      channels: (channels ?? []).filter((c) => c.type !== 'category'),
    });
    if (parsed.errors.length > 0) searchStore.getState().fail(guildId, parsed.errors.join('. '));
    else if (Object.keys(parsed.query).length === 0) searchStore.getState().close();
    else void searchStore.getState().run(guildId, parsed.query, parsed.terms);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      run();
    } else if (e.key === 'Escape' && (text || searchStore.getState().status !== 'idle')) {
      e.preventDefault();
      e.stopPropagation();
      setText('');
      searchStore.getState().close();
    }
  };
  return (
    <div className="search-box" role="search">
      <label htmlFor="guild-search" className="sr-only">
        Search messages
      </label>
      <input
        ref={input}
        id="guild-search"
        type="search"
        placeholder="Search"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby="guild-search-help"
      />
      <SearchIcon size={16} className="search-box-icon" />
      <span id="guild-search-help" className="sr-only">
        Press Enter to search. Filters: from:name, in:#channel, has:link or has:attachment, mentions:name, before:YYYY-MM-DD,
        after:YYYY-MM-DD.
      </span>
    </div>
  );
}

/** Results of the guild's search, grouped by channel, newest first; a result opens its message in its channel. */
export function SearchPanel({ guildId }: { guildId: string }) {
  const shown = useSearch((s) => s.guildId === guildId && s.status !== 'idle');
  const items = useSearch((s) => s.items);
  const total = useSearch((s) => s.total);
  const status = useSearch((s) => s.status);
  const error = useSearch((s) => s.error);
  const terms = useSearch((s) => s.terms);
  const nextCursor = useSearch((s) => s.nextCursor);
  const channels = useGuilds((s) => s.channelsByGuild[guildId]);
  const members = useGuilds((s) => s.membersByGuild[guildId]);
  const heading = useRef<HTMLHeadingElement>(null);

  // Consecutive results of one channel form a group (the order stays newest first, as Discord's).
  const groups = useMemo(() => {
    const out: { channelId: string; items: Message[] }[] = [];
    for (const m of items) {
      const last = out[out.length - 1];
      if (last && last.channelId === m.channelId) last.items.push(m);
      else out.push({ channelId: m.channelId, items: [m] });
    }
    return out;
  }, [items]);

  if (!shown) return null;
  const channelName = (id: string) => channels?.find((c) => c.id === id)?.name ?? 'unknown-channel';
  const open = (m: Message) => {
    searchStore.getState().requestJump(m.channelId, m.id);
    guildsStore.getState().selectChannel(guildId, m.channelId);
  };
  const countText =
    status === 'loading' && items.length === 0
      ? 'Searching…'
      : status === 'error'
        ? 'Search failed'
        : `${total} ${total === 1 ? 'result' : 'results'}`;

  return (
    <aside className="search-panel" aria-labelledby="search-panel-title">
      <header className="search-panel-head">
        <h2 id="search-panel-title" ref={heading} aria-live="polite">
          {countText}
        </h2>
        <button
          type="button"
          className="icon-btn"
          aria-label="Close search results"
          title="Close search results"
          onClick={() => {
            searchStore.getState().close();
            document.getElementById('guild-search')?.focus();
          }}
        >
          <CloseIcon size={18} />
        </button>
      </header>
      {error && (
        <p className="form-error small search-error" role="alert">
          {error}
        </p>
      )}
      {status === 'done' && items.length === 0 && <p className="muted search-empty">No messages match this search.</p>}
      {groups.map((g, gi) => (
        <section key={`${g.channelId}-${gi}`} className="search-group" aria-label={`Results in #${channelName(g.channelId)}`}>
          <h3 className="search-group-title">
            <HashIcon size={14} /> {channelName(g.channelId)}
          </h3>
          <ul className="search-results">
            {g.items.map((m) => {
              const name = memberName(
                members?.find((x) => x.user.id === m.author.id),
                m.author.displayName,
              );
              return (
                <li key={m.id}>
                  <button type="button" className="search-result" data-message-id={m.id} onClick={() => open(m)}>
                    <Avatar id={m.author.id} name={name} avatar={m.author.avatar} size={32} />
                    <span className="search-result-body">
                      <span className="search-result-head">
                        <strong>{name}</strong> <time dateTime={m.createdAt}>{fmt.format(new Date(m.createdAt))}</time>
                      </span>{' '}
                      <span className="search-result-text">
                        {highlightPieces(m.content, terms).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : p.text))}
                      </span>
                      <span className="sr-only">, jump to message</span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
      {nextCursor && (
        <button
          type="button"
          className="btn secondary search-more"
          disabled={status === 'loading'}
          onClick={() => void searchStore.getState().more()}
        >
          {status === 'loading' ? 'Loading…' : 'Load more'}
        </button>
      )}
    </aside>
  );
}

/** Closes the search when another guild is opened (results belong to one guild). */
export function useCloseSearchOnGuildChange(guildId: string) {
  useEffect(() => {
    const s = searchStore.getState();
    if (s.guildId !== null && s.guildId !== guildId) s.close();
  }, [guildId]);
}
