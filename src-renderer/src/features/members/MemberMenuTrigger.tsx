import type { KeyboardEvent, MouseEvent } from 'react';
import { membersStore, useMembers } from '../../app/services';
import { rememberOpener } from './menu-focus';
import type { MenuSource } from './members.store';
import './members.css';

/** Opens a member's menu next to an element (keyboard) or at the pointer (right click). */
export function openMemberMenu(guildId: string, userId: string, source: MenuSource, from: Element, at?: { x: number; y: number }) {
  rememberOpener(from);
  const rect = from.getBoundingClientRect();
  membersStore.getState().openMenu({ guildId, userId, source, x: at?.x ?? rect.right, y: at?.y ?? rect.top });
}

/**
 * Props that make any row open the member menu on right click, Shift+F10 and the context-menu key.
 *
 * @example
 * <li {...memberMenuTriggerProps(guildId, m.user.id, 'members')}>…<MemberMenuButton … /></li>
 */
export function memberMenuTriggerProps(guildId: string, userId: string, source: MenuSource) {
  return {
    onContextMenu: (e: MouseEvent<HTMLElement>) => {
      e.preventDefault();
      openMemberMenu(guildId, userId, source, e.currentTarget, { x: e.clientX, y: e.clientY });
    },
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
      if (e.key !== 'ContextMenu' && !(e.shiftKey && e.key === 'F10')) return;
      e.preventDefault();
      openMemberMenu(guildId, userId, source, e.target instanceof Element ? e.target : e.currentTarget);
    },
  };
}

/** The keyboard- and pointer-reachable "more" button of a member row. */
export function MemberMenuButton({ guildId, userId, name, source }: { guildId: string; userId: string; name: string; source: MenuSource }) {
  const expanded = useMembers((s) => s.menu?.userId === userId && s.menu.guildId === guildId && s.menu.source === source);
  return (
    <button
      type="button"
      className="icon-btn small member-more"
      data-member-menu-button=""
      aria-label={`More options for ${name}`}
      aria-haspopup="menu"
      aria-expanded={expanded}
      title="More options"
      onClick={(e) => {
        e.stopPropagation();
        openMemberMenu(guildId, userId, source, e.currentTarget);
      }}
    >
      <span aria-hidden="true">⋯</span>
    </button>
  );
}
