import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragStartEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates, useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { createContext, useContext, useMemo, useState, type CSSProperties, type ReactNode, type Ref } from 'react';
import type { Channel } from '../../api/types';
import { adminStore } from '../server-settings/admin-services';
import { containerOf, layoutOf, moveCategory, moveChannel, reorderMoves, TOP } from './channel-order';
import { categoryKey, channelKey } from './channel-keys';
import './structure.css';

export { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';

/**
 * Drag and drop of channels (within and between categories) and of categories, with @dnd-kit: the pointer, or the
 * keyboard (focus a handle, Space to lift, arrows to move, Space to drop, Escape to cancel). Ids are prefixed:
 * `ch:` a channel, `cat:` a category (reordering categories), `into:` a category header (dropping a channel into it).
 * While one kind is dragged the other kind's targets are disabled, so arrows and collisions only visit sensible spots.
 */
type DragKind = 'channel' | 'category';
const ActiveKind = createContext<DragKind | null>(null);

const intoKey = (id: string) => `into:${id}`;
const parse = (key: UniqueIdentifier): { kind: 'ch' | 'cat' | 'into'; id: string } => {
  const [kind, id] = String(key).split(':') as ['ch' | 'cat' | 'into', string];
  return { kind, id };
};

export interface DragBinding {
  ref: Ref<HTMLElement>;
  style: CSSProperties;
  className: string;
  handle: ReactNode;
}

export function ChannelDnd({
  channels,
  onResult,
  children,
}: {
  channels: Channel[];
  onResult: (error: string | null) => void;
  children: ReactNode;
}) {
  const [kind, setKind] = useState<DragKind | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const nameOf = useMemo(() => {
    const byId = new Map(channels.map((c) => [c.id, c]));
    return (key: UniqueIdentifier | undefined) => {
      if (key === undefined) return '';
      const { kind: k, id } = parse(key);
      if (k === 'into' && id === TOP) return 'the top level, outside the categories';
      const c = byId.get(id);
      if (!c) return 'unknown';
      return k === 'into' ? `the top of category ${c.name}` : c.type === 'category' ? `category ${c.name}` : c.name;
    };
  }, [channels]);

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}. Use the arrow keys to move, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) =>
      !over
        ? `${nameOf(active.id)} is no longer over a drop place.`
        : over.id === active.id
          ? `${nameOf(active.id)} is in its place.`
          : `${nameOf(active.id)} is over ${nameOf(over.id)}.`,
    onDragEnd: ({ active, over }) =>
      over ? `${nameOf(active.id)} was dropped at ${nameOf(over.id)}.` : `${nameOf(active.id)} was dropped where it was.`,
    onDragCancel: ({ active }) => `Moving ${nameOf(active.id)} was cancelled.`,
  };

  const onDragStart = (e: DragStartEvent) => {
    onResult(null);
    setKind(parse(e.active.id).kind === 'cat' ? 'category' : 'channel');
  };

  const onDragEnd = (e: DragEndEvent) => {
    setKind(null);
    if (!e.over || e.over.id === e.active.id) return;
    const active = parse(e.active.id);
    const over = parse(e.over.id);
    const before = layoutOf(channels);
    let after = before;
    if (active.kind === 'cat' && over.kind === 'cat') {
      after = moveCategory(before, active.id, before.categories.indexOf(over.id));
    } else if (active.kind === 'ch' && over.kind === 'into') {
      // `into:top` is the top level (TOP), shown as a drop zone while it has no channels.
      after = moveChannel(before, active.id, over.id, 0);
    } else if (active.kind === 'ch' && over.kind === 'ch') {
      const container = containerOf(before, over.id);
      if (container === null) return;
      after = moveChannel(before, active.id, container, before.children[container]!.indexOf(over.id));
    }
    const moves = reorderMoves(channels, after);
    const guildId = channels[0]?.guildId;
    if (!guildId || moves.length === 0) return;
    void adminStore
      .getState()
      .reorderChannels(guildId, channels, moves)
      .then((r) => onResult(r.ok ? null : `Could not move ${nameOf(e.active.id)}: ${r.message}`));
  };

  // Always a context (the sortables below need one); without permission every item is disabled and has no handle.
  return (
    <DndContext
      sensors={sensors}
      accessibility={{ announcements }}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setKind(null)}
    >
      <ActiveKind.Provider value={kind}>{children}</ActiveKind.Provider>
    </DndContext>
  );
}

function Handle({
  label,
  activatorRef,
  props,
}: {
  label: string;
  activatorRef: (el: HTMLElement | null) => void;
  props: Record<string, unknown>;
}) {
  return (
    <button
      type="button"
      ref={activatorRef}
      className="drag-handle"
      aria-label={label}
      title="Drag to move (or focus and press Space)"
      {...props}
    >
      <svg width="10" height="14" viewBox="0 0 10 14" aria-hidden="true" focusable="false">
        {[2, 7, 12].flatMap((y) => [2, 8].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r="1.5" fill="currentColor" />))}
      </svg>
    </button>
  );
}

/** A channel row that can be dragged (when `enabled`) and dropped on. */
export function SortableChannel({
  channel,
  enabled,
  children,
}: {
  channel: Channel;
  enabled: boolean;
  children: (drag: DragBinding | undefined) => ReactNode;
}) {
  const kind = useContext(ActiveKind);
  const { setNodeRef, setActivatorNodeRef, transform, transition, isDragging, isOver, attributes, listeners } = useSortable({
    id: channelKey(channel.id),
    disabled: { draggable: !enabled, droppable: !enabled || kind === 'category' },
  });
  if (!enabled) return <>{children(undefined)}</>;
  return (
    <>
      {children({
        ref: setNodeRef,
        style: { transform: CSS.Translate.toString(transform), transition },
        className: `${isDragging ? ' dragging' : ''}${isOver && !isDragging ? ' drag-over' : ''}`,
        handle: <Handle label={`Move ${channel.name}`} activatorRef={setActivatorNodeRef} props={{ ...attributes, ...listeners }} />,
      })}
    </>
  );
}

/** While a channel is dragged and no channel is outside the categories: a place to drop it there. */
export function TopDropZone({ enabled }: { enabled: boolean }) {
  const kind = useContext(ActiveKind);
  const { setNodeRef, isOver } = useDroppable({ id: intoKey(TOP), disabled: !enabled || kind !== 'channel' });
  if (!enabled || kind !== 'channel') return null;
  return (
    <div ref={setNodeRef} className={`top-drop-zone${isOver ? ' drag-over' : ''}`}>
      Outside the categories
    </div>
  );
}

/** A category section: dragged by its handle among categories; its header also takes channels dropped into it. */
export function SortableCategory({
  category,
  enabled,
  children,
}: {
  category: Channel;
  enabled: boolean;
  children: (drag: DragBinding | undefined, into: { ref: (el: HTMLElement | null) => void; isOver: boolean }) => ReactNode;
}) {
  const kind = useContext(ActiveKind);
  const { setNodeRef, setActivatorNodeRef, transform, transition, isDragging, isOver, attributes, listeners } = useSortable({
    id: categoryKey(category.id),
    disabled: { draggable: !enabled, droppable: !enabled || kind === 'channel' },
  });
  const into = useDroppable({ id: intoKey(category.id), disabled: !enabled || kind !== 'channel' });
  if (!enabled) return <>{children(undefined, { ref: () => undefined, isOver: false })}</>;
  return (
    <>
      {children(
        {
          ref: setNodeRef,
          style: { transform: CSS.Translate.toString(transform), transition },
          className: `${isDragging ? ' dragging' : ''}${isOver && !isDragging ? ' drag-over' : ''}`,
          handle: (
            <Handle label={`Move category ${category.name}`} activatorRef={setActivatorNodeRef} props={{ ...attributes, ...listeners }} />
          ),
        },
        { ref: into.setNodeRef, isOver: into.isOver },
      )}
    </>
  );
}
