import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Relationship } from '@shared/api/relationships';
import type { Result } from '../../api/result';
import { relationshipsStore, uiStore, useGuilds, useRelationships } from '../../app/services';
import { messageUser } from './open-dm';
import { Avatar } from '../../ui/Avatar';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ChatIcon, CloseIcon, UsersIcon } from '../../ui/icons';
import { ChannelsDrawerButton } from '../../ui/LayoutButtons';
import { STATUS_LABEL } from '../../ui/status';
import { relationshipsOf } from './relationships.store';

type Tab = 'online' | 'all' | 'pending' | 'blocked' | 'add';
const TABS: { id: Tab; label: string }[] = [
  { id: 'online', label: 'Online' },
  { id: 'all', label: 'All' },
  { id: 'pending', label: 'Pending' },
  { id: 'blocked', label: 'Blocked' },
  { id: 'add', label: 'Add Friend' },
];

/** Shows a failed action where the user acted (a toast: the row may be gone by then). */
const report = (r: Result<unknown>) => {
  if (!r.ok) uiStore.getState().toast('error', r.message);
};

/**
 * The friends page of Home: tabs Online / All / Pending / Blocked and Add Friend (the WAI-ARIA tabs pattern: arrow keys
 * move between tabs, Tab goes into the panel), one row per person with its actions.
 */
export function FriendsPane() {
  const [tab, setTab] = useState<Tab>('online');
  const pending = useRelationships((s) => Object.values(s.byUserId).filter((r) => r.type === 'incoming').length);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const baseId = useId();
  const onKeyDown = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i + TABS.length - 1) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const t = TABS[next];
    if (!t) return;
    setTab(t.id);
    tabRefs.current[t.id]?.focus();
  };
  return (
    <main className="chat-pane friends-pane" aria-label="Friends">
      <header className="chat-header friends-header">
        <ChannelsDrawerButton />
        <UsersIcon size={22} className="muted" />
        <h1>Friends</h1>
        <div role="tablist" aria-label="Friends" className="friends-tabs" onKeyDown={onKeyDown}>
          {TABS.map((t) => (
            <button
              key={t.id}
              ref={(el) => {
                tabRefs.current[t.id] = el;
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`${baseId}-panel`}
              tabIndex={tab === t.id ? 0 : -1}
              className={`friends-tab${t.id === 'add' ? ' add' : ''}${tab === t.id ? ' active' : ''}`}
              onClick={() => setTab(t.id)}
            >
              {t.label}
              {t.id === 'pending' && pending > 0 && (
                <span className="badge inline" aria-label={`${pending} incoming`}>
                  {pending}
                </span>
              )}
            </button>
          ))}
        </div>
      </header>
      <div className="friends-body" role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-tab-${tab}`}>
        {tab === 'add' ? <AddFriend /> : <FriendList tab={tab} />}
      </div>
    </main>
  );
}

function FriendList({ tab }: { tab: Exclude<Tab, 'add'> }) {
  const state = useRelationships((s) => s);
  const presence = useGuilds((s) => s.presence);
  const online = (r: Relationship) => (presence[r.user.id] ?? 'offline') !== 'offline';
  const rows =
    tab === 'pending'
      ? relationshipsOf(state, 'incoming', 'outgoing')
      : tab === 'blocked'
        ? relationshipsOf(state, 'blocked')
        : relationshipsOf(state, 'friend').filter((r) => tab === 'all' || online(r));
  const title = { online: 'Online', all: 'All friends', pending: 'Pending', blocked: 'Blocked' }[tab];
  const empty = {
    online: "No one's around to play with. Your online friends show here.",
    all: 'No friends yet. Add one by their username.',
    pending: 'There are no pending friend requests.',
    blocked: "You haven't blocked anyone.",
  }[tab];
  if (!state.loaded)
    return (
      <p className="muted friends-empty" role="status">
        Loading…
      </p>
    );
  return (
    <section className="friends-list" aria-label={title}>
      <h2 className="friends-count">{`${title} — ${rows.length}`}</h2>
      {rows.length === 0 ? (
        <p className="muted friends-empty">{empty}</p>
      ) : (
        <ul role="list">
          {rows.map((r) => (
            <FriendRow key={r.user.id} relationship={r} status={presence[r.user.id] ?? 'offline'} />
          ))}
        </ul>
      )}
    </section>
  );
}

function FriendRow({ relationship: r, status }: { relationship: Relationship; status: keyof typeof STATUS_LABEL }) {
  const [confirm, setConfirm] = useState<'remove' | 'block' | null>(null);
  const u = r.user;
  const store = relationshipsStore.getState();
  const sub =
    r.type === 'incoming'
      ? 'Incoming friend request'
      : r.type === 'outgoing'
        ? 'Outgoing friend request'
        : r.type === 'blocked'
          ? 'Blocked'
          : STATUS_LABEL[status];
  return (
    <li className="friend-row" data-user-id={u.id} data-type={r.type}>
      <Avatar id={u.id} name={u.displayName} avatar={u.avatar} size={32} status={r.type === 'friend' ? status : undefined} />
      <div className="friend-names">
        <span className="friend-name">{u.displayName}</span>
        <span className="muted small">
          {u.username} · {sub}
        </span>
      </div>
      <div className="friend-actions">
        {r.type === 'friend' && (
          <>
            <button
              type="button"
              className="icon-btn round"
              aria-label={`Message ${u.displayName}`}
              title="Message"
              onClick={() => void messageUser(u.id)}
            >
              <ChatIcon size={18} />
            </button>
            <button type="button" className="btn small" onClick={() => setConfirm('remove')}>
              Remove friend
            </button>
            <button type="button" className="btn small danger" onClick={() => setConfirm('block')}>
              Block
            </button>
          </>
        )}
        {r.type === 'incoming' && (
          <>
            <button type="button" className="btn small primary" onClick={() => void store.accept(u.id).then(report)}>
              Accept
            </button>
            <button type="button" className="btn small" onClick={() => void store.remove(u.id).then(report)}>
              Decline
            </button>
          </>
        )}
        {r.type === 'outgoing' && (
          <button
            type="button"
            className="icon-btn round"
            aria-label={`Cancel friend request to ${u.displayName}`}
            title="Cancel"
            onClick={() => void store.remove(u.id).then(report)}
          >
            <CloseIcon size={18} />
          </button>
        )}
        {r.type === 'blocked' && (
          <button type="button" className="btn small" onClick={() => void store.unblock(u.id).then(report)}>
            Unblock
          </button>
        )}
      </div>
      {confirm && (
        <ConfirmDialog
          open
          title={confirm === 'remove' ? `Remove '${u.displayName}'` : `Block '${u.displayName}'`}
          confirmLabel={confirm === 'remove' ? 'Remove friend' : 'Block'}
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            const action = confirm;
            setConfirm(null);
            void (action === 'remove' ? store.remove(u.id) : store.block(u.id)).then(report);
          }}
        >
          <p>
            {confirm === 'remove'
              ? `Are you sure you want to remove ${u.displayName} from your friends?`
              : `${u.displayName} will no longer be able to message, call or friend-request you, and their messages will be hidden.`}
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}

/** "Add Friend" by username, with the server's answer in words under the field. */
function AddFriend() {
  const [username, setUsername] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const hintId = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = username.trim();
    if (!name || busy) return;
    setBusy(true);
    const r = await relationshipsStore.getState().sendRequest(name);
    setBusy(false);
    if (r.ok) {
      const text =
        r.value.type === 'friend'
          ? `You and ${r.value.user.displayName} are now friends.`
          : `Success! Your friend request to ${r.value.user.username} was sent.`;
      setResult({ ok: true, text });
      setUsername('');
    } else setResult({ ok: false, text: r.message });
  };
  return (
    <section className="add-friend" aria-labelledby={`${hintId}-title`}>
      <h2 id={`${hintId}-title`}>Add Friend</h2>
      <p className="muted" id={hintId}>
        You can add friends with their Parley username.
      </p>
      <form className={`add-friend-form${result ? (result.ok ? ' ok' : ' error') : ''}`} onSubmit={(e) => void submit(e)}>
        <input
          type="text"
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
            setResult(null);
          }}
          aria-label="Username"
          aria-describedby={hintId}
          aria-invalid={result?.ok === false}
          placeholder="You can add friends with their username."
          autoComplete="off"
          maxLength={32}
        />
        <button type="submit" className="btn primary" disabled={busy || username.trim() === ''}>
          Send Friend Request
        </button>
      </form>
      <div aria-live="polite">
        {result && (
          <p className={result.ok ? 'add-friend-ok' : 'form-error'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </p>
        )}
      </div>
    </section>
  );
}
