import { useEffect, useState } from 'react';
import type * as Dnd from './ChannelDnd';

/** What the channel sidebar uses of ChannelDnd (and, through it, of @dnd-kit). */
export type DndKit = Pick<
  typeof Dnd,
  'ChannelDnd' | 'SortableContext' | 'SortableChannel' | 'SortableCategory' | 'TopDropZone' | 'verticalListSortingStrategy'
>;

/**
 * The same components without drag and drop, for members who may not reorder channels (and until the real ones have
 * loaded): rows render as they are, with no handles. @dnd-kit then never reaches their first script.
 */
const PLAIN: DndKit = {
  ChannelDnd: ({ children }) => <>{children}</>,
  SortableContext: (({ children }: { children?: React.ReactNode }) => <>{children}</>) as DndKit['SortableContext'],
  SortableChannel: ({ children }) => <>{children(undefined)}</>,
  SortableCategory: ({ children }) => <>{children(undefined, { ref: () => undefined, isOver: false })}</>,
  TopDropZone: () => null,
  verticalListSortingStrategy: (() => null) as DndKit['verticalListSortingStrategy'],
};

let loaded: DndKit | null = null;

/** ChannelDnd's components once `enabled` (MANAGE_CHANNELS) and loaded; the plain ones before and otherwise. */
export function useDndKit(enabled: boolean): DndKit {
  const [kit, setKit] = useState<DndKit | null>(loaded);
  useEffect(() => {
    if (!enabled || kit) return;
    let live = true;
    void import('./ChannelDnd').then((m) => {
      loaded = m;
      if (live) setKit(m);
    });
    return () => {
      live = false;
    };
  }, [enabled, kit]);
  return enabled && kit ? kit : PLAIN;
}
