import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Member } from '../../api/types';
import { membersStore, useAuth, useGuilds, useMembers, useVoicePresence } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { selfDisplayStatus, STATUS_LABEL } from '../../ui/status';
import { ok } from '../../api/result';
import { Dialog } from '../../ui/Dialog';
import { returnFocus } from './menu-focus';
import { reportResult, useMemberContext } from './MemberMenu';
import { DELETE_HISTORY_CHOICES, PURGE_CHOICES, type DeleteHistorySeconds, type MemberDialog, type PurgeSeconds } from './members.store';

const joinedFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

function roleColor(c: number | null): string | undefined {
  return c ? `#${c.toString(16).padStart(6, '0')}` : undefined;
}

/** The dialog a member menu item opened: profile card, nickname, roles, kick, ban or move. */
export function MemberDialogs({ dialog }: { dialog: { kind: MemberDialog; guildId: string; userId: string } }) {
  const close = () => membersStore.getState().closeDialog();
  const props = { guildId: dialog.guildId, userId: dialog.userId, onClose: close };
  switch (dialog.kind) {
    case 'profile':
      return <ProfileCard {...props} />;
    case 'nickname':
      return <NicknameDialog {...props} />;
    case 'roles':
      return <RolesDialog {...props} />;
    case 'kick':
      return <KickDialog {...props} />;
    case 'ban':
      return <BanDialog {...props} />;
    case 'move':
      return <MoveDialog {...props} />;
    case 'purge':
      return <PurgeDialog {...props} />;
  }
}

interface Props {
  guildId: string;
  userId: string;
  onClose: () => void;
}

function ProfileCard({ guildId, userId, onClose }: Props) {
  const context = useMemberContext(guildId, userId);
  const { roles, guild } = context;
  // The list's copy can lag (a name changed while our gateway was away): the card asks the server when it opens.
  const [fresh, setFresh] = useState<Member | null>(null);
  useEffect(() => {
    let live = true;
    void membersStore
      .getState()
      .fetchMember(guildId, userId)
      .then((m) => live && setFresh(m));
    return () => {
      live = false;
    };
  }, [guildId, userId]);
  const member = fresh ?? context.member;
  const name = member ? (member.nick ?? member.user.displayName) : context.name;
  const others = useGuilds((s) => s.presence[userId]);
  const self = useAuth((s) => (s.user?.id === userId ? s.user : null));
  const presence = self ? selfDisplayStatus(self.status, others) : (others ?? 'offline');
  const held = roles.filter((r) => member?.roleIds.includes(r.id)).sort((a, b) => b.position - a.position);
  return (
    <Dialog open title={name} onClose={onClose} restoreFocus={returnFocus} className={`member-dialog profile-card${fresh ? ' fresh' : ''}`}>
      <div className="modal-body">
        <div className="profile-head">
          <Avatar id={userId} name={name} avatar={member?.user.avatar} size={64} status={presence} />
          <div>
            <div className="profile-name">{member?.user.displayName ?? name}</div>
            <div className="muted">@{member?.user.username}</div>
            {member?.nick && <div className="muted small">Nickname: {member.nick}</div>}
          </div>
        </div>
        <dl className="profile-facts">
          <dt>Status</dt>
          <dd>{STATUS_LABEL[presence]}</dd>
          {guild?.ownerId === userId && (
            <>
              <dt>Owner</dt>
              <dd>Server owner</dd>
            </>
          )}
          {member && (
            <>
              <dt>Member since</dt>
              <dd>{joinedFmt.format(new Date(member.joinedAt))}</dd>
            </>
          )}
          <dt>Roles</dt>
          <dd>
            {held.length === 0 ? (
              <span className="muted">No roles</span>
            ) : (
              <ul className="role-chips" aria-label="Roles">
                {held.map((r) => (
                  <li key={r.id} className="role-chip">
                    <span className="role-dot" style={{ background: roleColor(r.color) ?? 'var(--text-muted)' }} aria-hidden="true" />
                    {r.name}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
      </div>
    </Dialog>
  );
}

function NicknameDialog({ guildId, userId, onClose }: Props) {
  const { member, name } = useMemberContext(guildId, userId);
  const [nick, setNick] = useState(member?.nick ?? '');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const save = async (value: string | null) => {
    setBusy(true);
    const ok = reportResult(await membersStore.getState().setNickname(guildId, userId, value));
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <Dialog
      open
      title={`Nickname of ${member?.user.displayName ?? name}`}
      onClose={onClose}
      restoreFocus={returnFocus}
      className="member-dialog"
    >
      <form
        className="modal-body"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void save(nick.trim() ? nick.trim() : null);
        }}
      >
        <div className="field">
          <label htmlFor={id}>Nickname</label>
          <input
            id={id}
            value={nick}
            maxLength={32}
            data-autofocus=""
            onChange={(e) => setNick(e.target.value)}
            placeholder={member?.user.displayName}
          />
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn secondary" disabled={busy || !member?.nick} onClick={() => void save(null)}>
            Reset nickname
          </button>
          <button type="submit" className="btn primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RolesDialog({ guildId, userId, onClose }: Props) {
  const { member, caps, name } = useMemberContext(guildId, userId);
  const [busy, setBusy] = useState<string | null>(null);
  const toggle = async (roleId: string, give: boolean) => {
    setBusy(roleId);
    reportResult(await membersStore.getState().setRole(guildId, userId, roleId, give));
    setBusy(null);
  };
  return (
    <Dialog open title={`Roles of ${name}`} onClose={onClose} restoreFocus={returnFocus} className="member-dialog">
      <div className="modal-body">
        <fieldset className="role-toggles">
          <legend className="muted small">Roles below your highest role</legend>
          {caps.assignableRoles.map((r, i) => {
            const has = member?.roleIds.includes(r.id) ?? false;
            return (
              <label key={r.id} className="role-toggle">
                <input
                  type="checkbox"
                  checked={has}
                  disabled={busy === r.id}
                  data-autofocus={i === 0 ? '' : undefined}
                  onChange={(e) => void toggle(r.id, e.target.checked)}
                />
                <span className="role-dot" style={{ background: roleColor(r.color) ?? 'var(--text-muted)' }} aria-hidden="true" />
                {r.name}
              </label>
            );
          })}
        </fieldset>
        <div className="dialog-actions">
          <button type="button" className="btn primary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function KickDialog({ guildId, userId, onClose }: Props) {
  const { guild, name } = useMemberContext(guildId, userId);
  const [busy, setBusy] = useState(false);
  const descId = useId();
  const kick = async () => {
    setBusy(true);
    const ok = reportResult(await membersStore.getState().kick(guildId, userId), `${name} was kicked.`);
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <Dialog
      open
      title={`Kick ${name}`}
      onClose={onClose}
      restoreFocus={returnFocus}
      className="member-dialog"
      role="alertdialog"
      describedBy={descId}
    >
      <div className="modal-body">
        <p id={descId}>
          Remove {name} from {guild?.name ?? 'this server'}? They can rejoin with a new invite.
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn secondary" data-autofocus="" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn danger" disabled={busy} onClick={() => void kick()}>
            Kick
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function BanDialog({ guildId, userId, onClose }: Props) {
  const { guild, name } = useMemberContext(guildId, userId);
  const [reason, setReason] = useState('');
  const [history, setHistory] = useState<DeleteHistorySeconds>(0);
  const [busy, setBusy] = useState(false);
  const ids = { reason: useId(), desc: useId() };
  const ban = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const ok = reportResult(await membersStore.getState().ban(guildId, userId, reason, history), `${name} was banned.`);
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <Dialog open title={`Ban ${name}`} onClose={onClose} restoreFocus={returnFocus} className="member-dialog" describedBy={ids.desc}>
      <form className="modal-body" onSubmit={(e) => void ban(e)}>
        <p id={ids.desc}>
          {name} will be removed from {guild?.name ?? 'this server'} and cannot rejoin until unbanned.
        </p>
        <div className="field">
          <label htmlFor={ids.reason}>Reason (shown to {name})</label>
          <textarea id={ids.reason} value={reason} maxLength={512} rows={3} data-autofocus="" onChange={(e) => setReason(e.target.value)} />
        </div>
        <fieldset className="field radio-list">
          <legend className="label">Delete message history</legend>
          {DELETE_HISTORY_CHOICES.map((c) => (
            <label key={c.seconds}>
              <input
                type="radio"
                name="delete-history"
                value={c.seconds}
                checked={history === c.seconds}
                onChange={() => setHistory(c.seconds)}
              />
              {c.label}
            </label>
          ))}
        </fieldset>
        <div className="dialog-actions">
          <button type="button" className="btn secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn danger" disabled={busy}>
            Ban
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function MoveDialog({ guildId, userId, onClose }: Props) {
  const { caps, voice, name } = useMemberContext(guildId, userId);
  const occupancy = useVoicePresence((s) => s.voiceByChannel);
  const [choice, setChoice] = useState<string | null>(caps.moveTargets[0]?.id ?? null);
  const [busy, setBusy] = useState(false);
  const move = async (e: FormEvent) => {
    e.preventDefault();
    if (!choice) return;
    setBusy(true);
    const ok = reportResult(await membersStore.getState().move(guildId, userId, choice));
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <Dialog open title={`Move ${name}`} onClose={onClose} restoreFocus={returnFocus} className="member-dialog">
      <form className="modal-body" onSubmit={(e) => void move(e)}>
        <fieldset className="field radio-list">
          <legend className="label">Voice channel</legend>
          {caps.moveTargets.map((c, i) => {
            const count = occupancy[c.id]?.length ?? 0;
            const limit = c.userLimit ?? 0;
            return (
              <label key={c.id}>
                <input
                  type="radio"
                  name="move-target"
                  value={c.id}
                  checked={choice === c.id}
                  data-autofocus={i === 0 ? '' : undefined}
                  onChange={() => setChoice(c.id)}
                />
                {c.name}
                <span className="muted small">
                  {limit > 0 ? ` ${count}/${limit}${count >= limit ? ' (full)' : ''}` : count > 0 ? ` ${count} connected` : ''}
                </span>
              </label>
            );
          })}
        </fieldset>
        <div className="dialog-actions">
          <button type="button" className="btn secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy || !choice || !voice}>
            Move
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Mounted once in the shell: the open member menu, the dialog it led to, and removal notices. */
export function useOpenMemberUi() {
  return { menu: useMembers((s) => s.menu), dialog: useMembers((s) => s.dialog), removal: useMembers((s) => s.removals[0] ?? null) };
}

function PurgeDialog({ guildId, userId, onClose }: Props) {
  const { guild, name } = useMemberContext(guildId, userId);
  const [since, setSince] = useState<PurgeSeconds>(3600);
  const [busy, setBusy] = useState(false);
  const descId = useId();
  const purge = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await membersStore.getState().purgeMessages(guildId, userId, since);
    setBusy(false);
    if (r.ok) {
      reportResult(ok(undefined), r.value === 1 ? `Deleted 1 message by ${name}.` : `Deleted ${r.value} messages by ${name}.`);
      onClose();
    } else reportResult(r);
  };
  return (
    <Dialog
      open
      title={`Delete messages by ${name}`}
      onClose={onClose}
      restoreFocus={returnFocus}
      className="member-dialog"
      describedBy={descId}
    >
      <form className="modal-body" onSubmit={(e) => void purge(e)}>
        <p id={descId}>
          Delete {name}&apos;s messages in every channel of {guild?.name ?? 'this server'}. This cannot be undone.
        </p>
        <fieldset className="field radio-list">
          <legend className="label">Which messages</legend>
          {PURGE_CHOICES.map((c, i) => (
            <label key={c.label}>
              <input
                type="radio"
                name="purge-since"
                checked={since === c.seconds}
                data-autofocus={i === 0 ? '' : undefined}
                onChange={() => setSince(c.seconds)}
              />
              {c.label}
            </label>
          ))}
        </fieldset>
        <div className="dialog-actions">
          <button type="button" className="btn secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn danger" disabled={busy}>
            Delete messages
          </button>
        </div>
      </form>
    </Dialog>
  );
}
