import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { membersStore, relationshipsStore, uiStore, useAuth, useGuilds, useRelationships, useVoicePresence } from '../../app/services';
import { messageUser } from '../home/open-dm';
import { memberName } from '../guilds/ChannelSidebar';
import { UserVolumeControls } from '../voice/UserVolumeMenu';
import { memberCapabilities, NO_CAPABILITIES } from './member-permissions';
import { FOCUSABLE, returnFocus } from './menu-focus';
import type { Result } from '../../api/result';
import type { MemberDialog, OpenMenu } from './members.store';
import './members.css';

/** Reads everything the capability rules need for one member, through selectors. */
export function useMemberContext(guildId: string, userId: string) {
  const selfId = useAuth((s) => s.user?.id ?? '');
  const guild = useGuilds((s) => s.guilds.find((g) => g.id === guildId));
  const roles = useGuilds((s) => s.rolesByGuild[guildId]);
  const members = useGuilds((s) => s.membersByGuild[guildId]);
  const channels = useGuilds((s) => s.channelsByGuild[guildId]);
  const voice = useVoicePresence((s) => {
    for (const list of Object.values(s.voiceByChannel)) {
      const v = list.find((x) => x.userId === userId && x.guildId === guildId);
      if (v) return v;
    }
    return null;
  });
  const member = members?.find((m) => m.user.id === userId);
  const caps = useMemo(
    () =>
      guild
        ? memberCapabilities({
            selfId,
            targetId: userId,
            guild,
            roles: roles ?? [],
            members: members ?? [],
            channels: channels ?? [],
            targetVoice: voice,
          })
        : NO_CAPABILITIES,
    [selfId, userId, guild, roles, members, channels, voice],
  );
  return { selfId, guild, member, roles: roles ?? [], channels: channels ?? [], voice, caps, name: memberName(member, 'Unknown member') };
}

export function reportResult(result: Result, success?: string): boolean {
  if (!result.ok) uiStore.getState().toast('error', result.message);
  else if (success) uiStore.getState().toast('info', success);
  return result.ok;
}

/**
 * A member's context menu (WAI-ARIA menu pattern): focus moves into it, arrows / Home / End move between items,
 * Escape closes it and returns focus to where it was opened, a click outside closes it. Only the items the signed-in
 * user may use are rendered; the server refuses the rest anyway.
 */
export function MemberMenu({ menu }: { menu: OpenMenu }) {
  const { guildId, userId, source } = menu;
  const { selfId, caps, voice, name, member } = useMemberContext(guildId, userId);
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: menu.x, top: menu.y });
  const close = (restore = true) => {
    membersStore.getState().closeMenu();
    if (restore) returnFocus();
  };
  const openDialog = (kind: MemberDialog) => membersStore.getState().openDialog(kind);
  const act = async (run: () => Promise<Result>, success?: string) => {
    close();
    reportResult(await run(), success);
  };
  const s = membersStore.getState();

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    setPos({
      left: Math.max(4, Math.min(menu.x, window.innerWidth - width - 4)),
      top: Math.max(4, Math.min(menu.y, window.innerHeight - height - 4)),
    });
    el.querySelector<HTMLElement>(FOCUSABLE)?.focus();
  }, [menu.x, menu.y]);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) close(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const slider = (document.activeElement as HTMLInputElement | null)?.type === 'range';
    const go = (n: number) => items[(n + items.length) % items.length]?.focus();
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      // Focus stays in the menu until it is closed.
      e.preventDefault();
      go(i + (e.shiftKey ? -1 : 1));
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !slider) {
      e.preventDefault();
      go(i + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Home' && !slider) {
      e.preventDefault();
      go(0);
    } else if (e.key === 'End' && !slider) {
      e.preventDefault();
      go(items.length - 1);
    }
  };

  const self = userId === selfId;
  const relationship = useRelationships((st) => st.byUserId[userId]?.type);
  const rel = relationshipsStore.getState();
  const voiceItems = caps.mute || caps.deafen || caps.moveTargets.length > 0 || caps.disconnect;
  const removeItems = caps.kick || caps.ban || caps.purge;
  return (
    // The popover holds the menu and, for a call participant, the volume controls beside it: a slider may not be a
    // child of role="menu" (axe: aria-required-children), so they are a group of their own after the menu.
    <div ref={ref} className="context-menu member-menu" style={pos} onKeyDown={onKeyDown} data-user-id={userId}>
      <div className="menu-title" aria-hidden="true">
        {name}
      </div>
      <div role="menu" aria-label={`${name} options`} className="member-menu-items">
        {member && <MenuItem label="Profile" onClick={() => openDialog('profile')} />}
        {caps.nickname && member && (
          <MenuItem label={self ? 'Change my nickname' : 'Change nickname'} onClick={() => openDialog('nickname')} />
        )}
        {caps.assignableRoles.length > 0 && <MenuItem label="Roles…" onClick={() => openDialog('roles')} />}
        {!self && (
          <>
            <div role="separator" className="menu-sep" />
            {relationship !== 'blocked' && (
              <MenuItem
                label="Message"
                onClick={() => {
                  close(false);
                  void messageUser(userId);
                }}
              />
            )}
            {relationship === undefined && (
              <MenuItem
                label="Add Friend"
                onClick={() =>
                  act(async () => {
                    const r = await rel.sendRequestTo(userId);
                    return r.ok ? { ok: true, value: undefined } : r;
                  }, 'Friend request sent.')
                }
              />
            )}
            {relationship === 'incoming' && <MenuItem label="Accept Friend Request" onClick={() => act(() => rel.accept(userId))} />}
            {relationship === 'outgoing' && <MenuItem label="Cancel Friend Request" onClick={() => act(() => rel.remove(userId))} />}
            {relationship === 'friend' && <MenuItem label="Remove Friend" danger onClick={() => act(() => rel.remove(userId))} />}
            {relationship === 'blocked' ? (
              <MenuItem label="Unblock" onClick={() => act(() => rel.unblock(userId))} />
            ) : (
              <MenuItem label="Block" danger onClick={() => act(() => rel.block(userId), `${name} is blocked.`)} />
            )}
          </>
        )}
        {voiceItems && voice && (
          <>
            <div role="separator" className="menu-sep" />
            {caps.mute && (
              <MenuItem
                label="Server mute"
                checked={voice.serverMute}
                onClick={() => act(() => s.moderateVoice(guildId, userId, { serverMute: !voice.serverMute }))}
              />
            )}
            {caps.mute && (
              // Stopping a camera or a stream needs MUTE_MEMBERS on the server, as server mute does.
              <MenuItem
                label={voice.serverVideoOff ? 'Allow video' : 'Stop video'}
                onClick={() => act(() => s.moderateVoice(guildId, userId, { serverVideoOff: !voice.serverVideoOff }))}
              />
            )}
            {caps.mute && (
              <MenuItem
                label={voice.serverStreamOff ? 'Allow stream' : 'Stop stream'}
                onClick={() => act(() => s.moderateVoice(guildId, userId, { serverStreamOff: !voice.serverStreamOff }))}
              />
            )}
            {caps.deafen && (
              <MenuItem
                label="Server deafen"
                checked={voice.serverDeaf}
                onClick={() => act(() => s.moderateVoice(guildId, userId, { serverDeaf: !voice.serverDeaf }))}
              />
            )}
            {caps.moveTargets.length > 0 && <MenuItem label="Move to…" onClick={() => openDialog('move')} />}
            {caps.disconnect && <MenuItem label="Disconnect from voice" danger onClick={() => act(() => s.disconnect(guildId, userId))} />}
          </>
        )}
        {removeItems && (
          <>
            <div role="separator" className="menu-sep" />
            {caps.purge && <MenuItem label="Delete recent messages…" danger onClick={() => openDialog('purge')} />}
            {caps.kick && <MenuItem label={`Kick ${name}`} danger onClick={() => openDialog('kick')} />}
            {caps.ban && <MenuItem label={`Ban ${name}`} danger onClick={() => openDialog('ban')} />}
          </>
        )}
      </div>
      {source === 'voice' && !self && (
        <>
          <div className="menu-sep" aria-hidden="true" />
          <UserVolumeControls userId={userId} name={name} />
        </>
      )}
    </div>
  );
}

function MenuItem({
  label,
  onClick,
  danger = false,
  checked,
}: {
  label: string;
  onClick: () => void;
  danger?: boolean;
  checked?: boolean;
}) {
  return (
    <button
      type="button"
      role={checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
      aria-checked={checked}
      tabIndex={-1}
      className={`menu-item${danger ? ' danger' : ''}`}
      onClick={onClick}
    >
      {checked !== undefined && (
        <span className="menu-checkbox" aria-hidden="true">
          {checked ? '✓' : ''}
        </span>
      )}
      {label}
    </button>
  );
}
