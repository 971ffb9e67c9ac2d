import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Dialog } from '../../ui/Dialog';
import { EMOJI_GROUPS, searchEmoji, type EmojiEntry } from './emoji-data';

const COLUMNS = 8;

/**
 * The emoji picker, loaded lazily (see ReactionBar.tsx). Keyboard: focus starts in the search box; Enter picks the
 * first match, ArrowDown moves into the grid, where the arrow keys move (a roving tab stop: the grid is one Tab stop),
 * Enter or Space picks, Home/End jump, and Escape closes (focus goes back to the opener).
 */
export default function EmojiPicker({
  onPick,
  onClose,
  position,
}: {
  onPick: (emoji: string) => void;
  onClose: () => void;
  position?: { left: number; top: number };
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const results = useMemo(() => searchEmoji(query), [query]);
  // Without a query the grid shows the groups; with one, the flat list of matches. Either way one index into `shown`.
  const sections: { label: string; items: EmojiEntry[] }[] = query.trim()
    ? [{ label: 'Search results', items: results }]
    : EMOJI_GROUPS.map((g) => ({ ...g, items: g.items }));
  const shown = sections.flatMap((s) => s.items);
  const current = Math.min(active, Math.max(0, shown.length - 1));

  const focusCell = (i: number) => {
    setActive(i);
    grid.current?.querySelector<HTMLButtonElement>(`[data-index="${i}"]`)?.focus();
  };
  const onGridKey = (e: KeyboardEvent) => {
    const last = shown.length - 1;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    if (e.key in moves) {
      e.preventDefault();
      const next = current + moves[e.key]!;
      if (next < 0 && e.key === 'ArrowUp') search.current?.focus();
      else focusCell(Math.max(0, Math.min(last, next)));
    } else if (e.key === 'Home') {
      e.preventDefault();
      focusCell(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      focusCell(last);
    }
  };

  // Each section's first index into `shown`.
  const starts = sections.map((_, k) => sections.slice(0, k).reduce((n, s) => n + s.items.length, 0));
  return (
    <Dialog open onClose={onClose} title="Add reaction" size="popover" style={position} className="emoji-picker" initialFocus={search}>
      <div className="emoji-picker-body">
        <input
          ref={search}
          type="search"
          className="emoji-search"
          placeholder="Search emoji"
          aria-label="Search emoji"
          aria-describedby="emoji-picker-hint"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && shown[0]) {
              e.preventDefault();
              onPick(shown[0].emoji);
            } else if (e.key === 'ArrowDown' && shown.length > 0) {
              e.preventDefault();
              focusCell(0);
            }
          }}
        />
        <p id="emoji-picker-hint" className="sr-only">
          Enter picks the first match; arrow keys move in the grid.
        </p>
        <div ref={grid} className="emoji-grid-scroll" onKeyDown={onGridKey}>
          {shown.length === 0 && <p className="muted small">No emoji match “{query}”.</p>}
          {sections.map((s, k) =>
            s.items.length === 0 ? null : (
              <section key={s.label} aria-label={s.label}>
                <h3 className="emoji-group-label">{s.label}</h3>
                <div className="emoji-grid">
                  {s.items.map((e, j) => {
                    const i = starts[k]! + j;
                    return (
                      <button
                        key={`${s.label}:${e.emoji}`}
                        type="button"
                        className="emoji-cell"
                        data-index={i}
                        tabIndex={i === current ? 0 : -1}
                        aria-label={e.name}
                        title={e.name}
                        onFocus={() => setActive(i)}
                        onClick={() => onPick(e.emoji)}
                      >
                        {e.emoji}
                      </button>
                    );
                  })}
                </div>
              </section>
            ),
          )}
        </div>
      </div>
    </Dialog>
  );
}
