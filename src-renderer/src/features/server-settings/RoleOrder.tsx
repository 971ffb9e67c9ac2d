import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from '@dnd-kit/core';
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { Role } from '../../api/types';
import { useAuth, useGuilds } from '../../app/services';
import '../guilds/structure.css';
import { adminStore } from './admin-services';
import { reorderedRoleIds } from './admin.store';
import { colorToHex } from './names';
import { useIsOwner } from '../guilds/usePermissions';

/** Custom role ids lowest first (as the reorder route wants them) from the list as shown, highest first. */
export function routeOrder(shownHighestFirst: readonly Role[], guildId: string): string[] {
  return shownHighestFirst
    .filter((r) => r.id !== guildId)
    .map((r) => r.id)
    .reverse();
}

/**
 * The roles list of server settings, highest first: select a role to edit it, drag its handle (pointer, or Space +
 * arrows + Space) or use Move up / Move down to reorder. Only roles below my highest role move (the owner moves all);
 * the server enforces the same hierarchy, and a refused move is rolled back with the error shown.
 */
export function RoleList({
  guildId,
  roles,
  selectedId,
  onSelect,
  onError,
}: {
  guildId: string;
  roles: Role[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
  onError: (error: string | null) => void;
}) {
  const selfId = useAuth((s) => s.user?.id);
  const isOwner = useIsOwner(guildId);
  const myRoleIds = useGuilds((s) => s.membersByGuild[guildId]?.find((m) => m.user.id === selfId)?.roleIds);
  const myTop = roles.filter((r) => myRoleIds?.includes(r.id)).reduce((top, r) => Math.max(top, r.position), 0);
  const movable = (r: Role) => r.id !== guildId && (isOwner || r.position < myTop);
  const custom = roles.filter((r) => r.id !== guildId);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const nameOf = (id: unknown) => custom.find((r) => r.id === id)?.name ?? 'role';
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up role ${nameOf(active.id)}. Use the arrow keys to move, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) =>
      over ? `Role ${nameOf(active.id)} is at the place of ${nameOf(over.id)}.` : `Role ${nameOf(active.id)} is not over the list.`,
    onDragEnd: ({ active, over }) =>
      over
        ? `Role ${nameOf(active.id)} was dropped at the place of ${nameOf(over.id)}.`
        : `Role ${nameOf(active.id)} was dropped where it was.`,
    onDragCancel: ({ active }) => `Moving role ${nameOf(active.id)} was cancelled.`,
  };

  async function reorder(roleIds: string[]) {
    onError(null);
    const r = await adminStore.getState().reorderRoles(guildId, roles, roleIds);
    if (!r.ok) onError(`Could not reorder roles: ${r.message}`);
  }
  function onDragEnd(e: DragEndEvent) {
    if (!e.over || e.over.id === e.active.id) return;
    const from = custom.findIndex((r) => r.id === e.active.id);
    const to = custom.findIndex((r) => r.id === e.over?.id);
    if (from < 0 || to < 0) return;
    void reorder(routeOrder(arrayMove(custom, from, to), guildId));
  }
  const step = (r: Role, direction: 'up' | 'down') => {
    const ids = reorderedRoleIds(guildId, roles, r.id, direction);
    if (ids) void reorder(ids);
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      accessibility={{ announcements }}
      onDragStart={() => onError(null)}
      onDragEnd={onDragEnd}
    >
      <SortableContext items={custom.map((r) => r.id)} strategy={verticalListSortingStrategy}>
        <ul aria-label="Roles">
          {roles.map((r) => {
            const i = custom.findIndex((c) => c.id === r.id);
            return (
              <RoleRow
                key={r.id}
                role={r}
                everyone={r.id === guildId}
                selected={r.id === selectedId}
                movable={movable(r)}
                canUp={i > 0 && custom[i - 1] !== undefined && movable(custom[i - 1]!)}
                canDown={i >= 0 && i < custom.length - 1}
                onSelect={() => onSelect(r.id)}
                onUp={() => step(r, 'up')}
                onDown={() => step(r, 'down')}
              />
            );
          })}
        </ul>
      </SortableContext>
    </DndContext>
  );
}

function RoleRow(props: {
  role: Role;
  everyone: boolean;
  selected: boolean;
  movable: boolean;
  canUp: boolean;
  canDown: boolean;
  onSelect: () => void;
  onUp: () => void;
  onDown: () => void;
}) {
  const { role: r, everyone, selected, movable } = props;
  const { setNodeRef, setActivatorNodeRef, transform, transition, isDragging, attributes, listeners } = useSortable({
    id: r.id,
    disabled: everyone || !movable,
  });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={`${selected ? 'selected' : ''}${isDragging ? ' dragging' : ''}`}
      data-role-id={r.id}
    >
      {!everyone && movable && (
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="drag-handle"
          aria-label={`Drag role ${r.name}`}
          title="Drag to reorder (or focus and press Space)"
          {...attributes}
          {...listeners}
        >
          <svg width="10" height="14" viewBox="0 0 10 14" aria-hidden="true" focusable="false">
            {[2, 7, 12].flatMap((y) => [2, 8].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r="1.5" fill="currentColor" />))}
          </svg>
        </button>
      )}
      <button type="button" className="admin-role-name" aria-pressed={selected} onClick={props.onSelect}>
        <span
          className="admin-role-dot"
          style={{ background: r.color === null ? 'var(--text-muted)' : colorToHex(r.color) }}
          aria-hidden="true"
        />
        {everyone ? '@everyone' : r.name}
      </button>
      {!everyone && movable && (
        <span className="admin-role-move">
          <button type="button" className="icon-btn small" aria-label={`Move ${r.name} up`} disabled={!props.canUp} onClick={props.onUp}>
            ↑
          </button>
          <button
            type="button"
            className="icon-btn small"
            aria-label={`Move ${r.name} down`}
            disabled={!props.canDown}
            onClick={props.onDown}
          >
            ↓
          </button>
        </span>
      )}
    </li>
  );
}
