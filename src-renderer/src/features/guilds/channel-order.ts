import type { Channel } from '../../api/types';

/** The sidebar's arrangement: categories in order, and each container's channels in order ('top' = no category). */
export interface ChannelLayout {
  categories: string[];
  children: Record<string, string[]>;
}

export const TOP = 'top';

/** The layout the sidebar shows for these channels (sorted by position, as the store keeps them). */
export function layoutOf(channels: readonly Channel[]): ChannelLayout {
  const categories = channels.filter((c) => c.type === 'category').map((c) => c.id);
  const known = new Set(categories);
  const children: Record<string, string[]> = { [TOP]: [] };
  for (const id of categories) children[id] = [];
  for (const c of channels) {
    if (c.type === 'category') continue;
    // A channel whose category I cannot see shows at the top level (groupChannels does the same).
    const key = c.parentId && known.has(c.parentId) ? c.parentId : TOP;
    children[key]!.push(c.id);
  }
  return { categories, children };
}

export function containerOf(layout: ChannelLayout, channelId: string): string | null {
  for (const [key, ids] of Object.entries(layout.children)) if (ids.includes(channelId)) return key;
  return null;
}

/** Moves a channel to `index` of `container` (a category id or TOP). Unknown ids leave the layout as it is. */
export function moveChannel(layout: ChannelLayout, channelId: string, container: string, index: number): ChannelLayout {
  const from = containerOf(layout, channelId);
  if (from === null || !(container in layout.children)) return layout;
  const children = { ...layout.children, [from]: layout.children[from]!.filter((id) => id !== channelId) };
  const target = [...children[container]!];
  target.splice(Math.max(0, Math.min(index, target.length)), 0, channelId);
  children[container] = target;
  return { categories: layout.categories, children };
}

export function moveCategory(layout: ChannelLayout, categoryId: string, index: number): ChannelLayout {
  if (!layout.categories.includes(categoryId)) return layout;
  const categories = layout.categories.filter((id) => id !== categoryId);
  categories.splice(Math.max(0, Math.min(index, categories.length)), 0, categoryId);
  return { categories, children: layout.children };
}

export interface ChannelMove {
  id: string;
  position: number;
  parentId?: string | null;
}

/**
 * The reorder request that turns `channels` into `layout`: positions 0..n-1 within each container and among the
 * categories, and a parentId for channels that changed category. Only what changed is sent.
 */
export function reorderMoves(channels: readonly Channel[], layout: ChannelLayout): ChannelMove[] {
  const byId = new Map(channels.map((c) => [c.id, c]));
  const moves: ChannelMove[] = [];
  layout.categories.forEach((id, position) => {
    if (byId.get(id)?.position !== position) moves.push({ id, position });
  });
  for (const [key, ids] of Object.entries(layout.children)) {
    const parentId = key === TOP ? null : key;
    ids.forEach((id, position) => {
      const c = byId.get(id);
      if (!c) return;
      // A channel shown at the top because its category is hidden from me keeps that category.
      const parentChanged = key === TOP ? c.parentId !== null && layout.categories.includes(c.parentId) : c.parentId !== parentId;
      if (c.position === position && !parentChanged) return;
      moves.push(parentChanged ? { id, position, parentId } : { id, position });
    });
  }
  return moves;
}

/** The channels with the moves applied (for the optimistic view while the server answers). */
export function applyMoves(channels: readonly Channel[], moves: readonly ChannelMove[]): Channel[] {
  const byId = new Map(moves.map((m) => [m.id, m]));
  return channels.map((c) => {
    const m = byId.get(c.id);
    if (!m) return c;
    return { ...c, position: m.position, ...(m.parentId !== undefined ? { parentId: m.parentId } : {}) };
  });
}
