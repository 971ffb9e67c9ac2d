import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Channel, Guild } from '../../api/types';
import { guildsStore, membersStore, uiStore, unreadStore } from '../../app/services';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { ChevronIcon, GearIcon } from '../../ui/icons';
import { useCan, useIsOwner } from '../guilds/usePermissions';
import { NotificationSettingsDialog } from '../notifications/NotificationSettingsDialog';
import './admin.css';

/**
 * The guild name in the sidebar header, as a menu button: server settings, invite, create channel / category — each
 * item only for members who may use it.
 */
export function GuildHeaderMenu({ guild }: { guild: Guild }) {
  const manageGuild = useCan(guild.id, 'MANAGE_GUILD');
  const manageRoles = useCan(guild.id, 'MANAGE_ROLES');
  const banMembers = useCan(guild.id, 'BAN_MEMBERS');
  const manageChannels = useCan(guild.id, 'MANAGE_CHANNELS');
  const manageWebhooks = useCan(guild.id, 'MANAGE_WEBHOOKS');
  const isOwner = useIsOwner(guild.id);
  const [open, setOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [notifying, setNotifying] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const { open: openModal } = uiStore.getState();

  const items: { label: string; run: () => void }[] = [];
  if (manageGuild || manageRoles || banMembers || manageWebhooks)
    items.push({ label: 'Server settings', run: () => openModal({ kind: 'server-settings', guildId: guild.id }) });
  items.push({
    label: 'Mark as read',
    run: () =>
      unreadStore.getState().markGuildRead(
        guild.id,
        (guildsStore.getState().channelsByGuild[guild.id] ?? []).map((c) => c.id),
      ),
  });
  items.push({ label: 'Notification settings', run: () => setNotifying(true) });
  items.push({ label: 'Invite people', run: () => openModal({ kind: 'invite', guildId: guild.id, code: null }) });
  if (manageChannels) {
    items.push({
      label: 'Create channel',
      run: () => openModal({ kind: 'create-channel', guildId: guild.id, type: 'text', parentId: null }),
    });
    items.push({ label: 'Create category', run: () => openModal({ kind: 'create-category', guildId: guild.id }) });
  }
  items.push({ label: 'Leave server', run: () => setLeaving(true) });

  const leave = async () => {
    setLeaving(false);
    const r = await membersStore.getState().leaveGuild(guild.id);
    if (!r.ok) return uiStore.getState().toast('error', r.message);
    // The server also sends GUILD_DELETE to our other sessions; this one need not wait for it.
    guildsStore.getState().removeGuild(guild.id);
    uiStore.getState().toast('info', `You left ${guild.name}.`);
  };

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const all = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') all[(i + 1) % all.length]?.focus();
    else if (e.key === 'ArrowUp') all[(i - 1 + all.length) % all.length]?.focus();
    else if (e.key === 'Home') all[0]?.focus();
    else if (e.key === 'End') all[all.length - 1]?.focus();
    else if (e.key === 'Escape' || e.key === 'Tab') {
      setOpen(false);
      if (e.key === 'Escape') button.current?.focus();
      if (e.key === 'Tab') return;
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="guild-menu-wrap">
      <h2 title={guild.name}>
        <button
          ref={button}
          type="button"
          className="guild-menu-button"
          aria-haspopup="menu"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setOpen(true);
            }
          }}
        >
          <span className="guild-menu-name">{guild.name}</span>
          <ChevronIcon size={16} className={open ? 'rot' : ''} />
        </button>
      </h2>
      {open && (
        <div ref={menu} className="guild-menu" role="menu" aria-label={`${guild.name} menu`} onKeyDown={onMenuKey}>
          {items.map((it) => (
            <button
              key={it.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                setOpen(false);
                // The dialog about to open returns focus to what had it: the menu button, not this item that goes away.
                button.current?.focus();
                it.run();
              }}
            >
              {it.label}
            </button>
          ))}
        </div>
      )}
      {notifying && <NotificationSettingsDialog guildId={guild.id} guildName={guild.name} onClose={() => setNotifying(false)} />}
      {leaving && isOwner && <OwnerCannotLeave guildName={guild.name} onClose={() => setLeaving(false)} />}
      <ConfirmDialog
        open={leaving && !isOwner}
        title={`Leave ${guild.name}`}
        confirmLabel="Leave server"
        danger
        onConfirm={() => void leave()}
        onCancel={() => setLeaving(false)}
      >
        <p>You will no longer see its channels or messages, and you can only come back with a new invite.</p>
      </ConfirmDialog>
    </div>
  );
}

/** The owner asked to leave: the server would refuse (someone must own a server), so say why and what to do instead. */
function OwnerCannotLeave({ guildName, onClose }: { guildName: string; onClose: () => void }) {
  const ok = useRef<HTMLButtonElement>(null);
  return (
    <Dialog open onClose={onClose} title={`You can't leave ${guildName}`} initialFocus={ok}>
      <div className="modal-body">
        <p>
          You own this server, and a server always has an owner. Transfer the ownership to another member, or delete the server, in Server
          settings → Overview.
        </p>
        <div className="confirm-actions">
          <button ref={ok} type="button" className="btn primary" onClick={onClose}>
            OK
          </button>
        </div>
      </div>
    </Dialog>
  );
}

/** The gear on a channel or category row (shown on hover and keyboard focus), for members with MANAGE_CHANNELS. */
export function ChannelGear({ channel }: { channel: Channel }) {
  const can = useCan(channel.guildId, 'MANAGE_CHANNELS', channel);
  if (!can) return null;
  return (
    <button
      type="button"
      className="icon-btn small channel-gear"
      aria-label={`Edit ${channel.type === 'category' ? 'category' : 'channel'} ${channel.name}`}
      title="Edit channel"
      onClick={() => uiStore.getState().open({ kind: 'channel-settings', guildId: channel.guildId, channelId: channel.id })}
    >
      <GearIcon size={14} />
    </button>
  );
}

/** "2/5" beside a voice channel with a user limit (how many are in it, out of how many may be). */
export function VoiceLimit({ channel, count }: { channel: Channel; count: number }) {
  if (!channel.userLimit) return null;
  return (
    <span className="voice-limit" aria-hidden="true">
      {count}/{channel.userLimit}
    </span>
  );
}

/** Whether I may create channels here: the sidebar's "+" buttons show only then. */
export function useCanCreateChannels(guildId: string | null): boolean {
  return useCan(guildId, 'MANAGE_CHANNELS');
}
