import { useId, useState, type FormEvent } from 'react';
import type { PrivateChannel } from '@shared/api/private-channels';
import { privateChannelsStore, useRelationships } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { Dialog } from '../../ui/Dialog';
import { relationshipsOf } from './relationships.store';

/** MAX_GROUP_DM_MEMBERS of src-shared/api/private-channels.ts (a value from there would pull zod into this chunk). */
const MAX_GROUP_DM_MEMBERS = 10;

/**
 * "Select Friends": a new DM (one friend) or group DM (up to nine, Discord's limit of ten with me), or, with `addTo`,
 * more people for an existing group (as many as still fit).
 */
export function GroupDmDialog({ onClose, addTo }: { onClose: () => void; addTo?: PrivateChannel }) {
  const state = useRelationships((s) => s);
  const inGroup = new Set(addTo?.recipients.map((u) => u.id) ?? []);
  const friends = relationshipsOf(state, 'friend').filter((r) => !inGroup.has(r.user.id));
  const room = MAX_GROUP_DM_MEMBERS - 1 - inGroup.size;
  const [picked, setPicked] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const countId = useId();
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : p.length < room ? [...p, id] : p));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (picked.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    const store = privateChannelsStore.getState();
    if (addTo) {
      for (const id of picked) {
        const r = await store.addRecipient(addTo.id, id);
        if (!r.ok) {
          setBusy(false);
          setError(r.message);
          return;
        }
      }
      setBusy(false);
      onClose();
      return;
    }
    const trimmed = name.trim();
    const r = await store.open(picked, picked.length > 1 && trimmed ? trimmed : undefined);
    setBusy(false);
    if (r.ok) onClose();
    else setError(r.message);
  };
  return (
    <Dialog open onClose={onClose} title={addTo ? 'Add people' : 'Select Friends'} size="narrow" describedBy={countId}>
      <form className="modal-body group-dm-form" onSubmit={(e) => void submit(e)}>
        <p className="muted small" id={countId} aria-live="polite">
          {room - picked.length > 0
            ? `You can add ${room - picked.length} more friend${room - picked.length === 1 ? '' : 's'}.`
            : 'This group is full.'}
        </p>
        {friends.length === 0 ? (
          <p className="muted">No friends to add. Add friends from the Friends page first.</p>
        ) : (
          <fieldset className="group-dm-friends">
            <legend className="sr-only">Friends</legend>
            {friends.map((r) => {
              const checked = picked.includes(r.user.id);
              return (
                <label key={r.user.id} className="group-dm-friend">
                  <Avatar id={r.user.id} name={r.user.displayName} avatar={r.user.avatar} size={24} />
                  <span className="friend-name">{r.user.displayName}</span>
                  <span className="muted small">{r.user.username}</span>
                  <input
                    type="checkbox"
                    checked={checked}
                    disabled={!checked && picked.length >= room}
                    onChange={() => toggle(r.user.id)}
                    data-autofocus={r === friends[0] ? true : undefined}
                  />
                </label>
              );
            })}
          </fieldset>
        )}
        {!addTo && picked.length > 1 && (
          <div className="field">
            <label htmlFor={`${countId}-name`}>Group name (optional)</label>
            <input id={`${countId}-name`} type="text" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          </div>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="confirm-actions">
          <button type="button" className="btn secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={picked.length === 0 || busy}>
            {addTo ? 'Add' : picked.length > 1 ? 'Create Group DM' : 'Create DM'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Names a group DM (any member may, as in Discord); an empty name goes back to the members' names. */
export function RenameGroupDialog({ channel, onClose }: { channel: PrivateChannel; onClose: () => void }) {
  const [name, setName] = useState(channel.name ?? '');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await privateChannelsStore.getState().rename(channel.id, name.trim() || null);
    if (r.ok) onClose();
    else setError(r.message);
  };
  return (
    <Dialog open onClose={onClose} title="Rename group" size="narrow">
      <form className="modal-body" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Group name</label>
          <input id={`${id}-name`} type="text" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} data-autofocus />
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="confirm-actions">
          <button type="button" className="btn secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The people in a group besides me; its owner may remove them, as in Discord. */
export function GroupMembersDialog({ channel, selfId, onClose }: { channel: PrivateChannel; selfId: string; onClose: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const owner = channel.ownerId === selfId;
  const remove = async (userId: string) => {
    const r = await privateChannelsStore.getState().removeRecipient(channel.id, userId);
    setError(r.ok ? null : r.message);
  };
  return (
    <Dialog open onClose={onClose} title="Members" size="narrow">
      <div className="modal-body">
        <ul role="list" className="group-members">
          {channel.recipients.map((u) => (
            <li key={u.id} className="group-dm-friend">
              <Avatar id={u.id} name={u.displayName} avatar={u.avatar} size={24} />
              <span className="friend-name">
                {u.displayName}
                {channel.ownerId === u.id && <span className="muted small"> (owner)</span>}
              </span>
              {owner && (
                <button type="button" className="btn secondary small" onClick={() => void remove(u.id)}>
                  Remove <span className="sr-only">{u.displayName}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </Dialog>
  );
}
