import type { AuditAction } from '@shared/api/audit';
import { PERMISSION_INFO } from '@shared/permissions/descriptions';
import { hasPermission, Permission, PERMISSION_NAMES } from '@shared/permissions/permissions';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { Role } from '../../api/types';
import { inviteLink } from '../../app/invite-link';
import { authStore, uiStore, useAuth, useGuilds } from '../../app/services';
import { adminStore, useAdmin } from './admin-services';
import { GuildIconField } from './GuildIconField';
import { AUDIT_ACTIONS, AUDIT_LABELS, colorToHex, displayName, formatDate, hexToColor, INVITE_AGES, INVITE_USES } from './names';
import { useCan, useIsOwner } from '../guilds/usePermissions';
import { RoleList } from './RoleOrder';
import { FormStatus } from '../../ui/FormStatus';
import { Dialog } from '../../ui/Dialog';
import { SettingsTabs, TypedConfirm, type TabDef } from './SettingsTabs';
import { RecordingsTab } from '../recordings/RecordingsTab';
import { WebhooksTab } from '../webhooks/WebhooksTab';
import { SystemChannelField } from './SystemChannelField';
import { UploadLimitField } from './UploadLimitField';
import { EmbedTab } from './EmbedTab';
import { isGuest } from '../voice/useVoiceOccupants';

export type ServerSettingsTab = 'overview' | 'roles' | 'invites' | 'bans' | 'audit-log' | 'recordings' | 'embed' | 'webhooks';

/** Server settings: each section shows only to members with the permission it needs (the server checks again). */
export function ServerSettings({ guildId, initialTab }: { guildId: string; initialTab?: ServerSettingsTab }) {
  const guild = useGuilds((s) => s.guilds.find((g) => g.id === guildId));
  const manageGuild = useCan(guildId, 'MANAGE_GUILD');
  const manageRoles = useCan(guildId, 'MANAGE_ROLES');
  const banMembers = useCan(guildId, 'BAN_MEMBERS');
  const record = useCan(guildId, 'RECORD');
  const manageWebhooks = useCan(guildId, 'MANAGE_WEBHOOKS');
  const tabs = useMemo(() => {
    const t: TabDef<ServerSettingsTab>[] = [];
    if (manageGuild) t.push({ id: 'overview', label: 'Overview' });
    if (manageRoles) t.push({ id: 'roles', label: 'Roles' });
    if (manageGuild) t.push({ id: 'invites', label: 'Invites' });
    if (banMembers) t.push({ id: 'bans', label: 'Bans' });
    if (manageGuild) t.push({ id: 'audit-log', label: 'Audit log' });
    if (manageGuild || record) t.push({ id: 'recordings', label: 'Recordings' });
    if (manageGuild) t.push({ id: 'embed', label: 'Embed' });
    if (manageWebhooks) t.push({ id: 'webhooks', label: 'Webhooks' });
    return t;
  }, [manageGuild, manageRoles, banMembers, record, manageWebhooks]);
  const [tab, setTab] = useState<ServerSettingsTab>(initialTab ?? 'overview');
  const close = () => uiStore.getState().open(null);
  const current = tabs.some((t) => t.id === tab) ? tab : tabs[0]?.id;

  useEffect(() => {
    void adminStore.getState().loadMembers(guildId);
  }, [guildId]);

  // The guild went away (deleted, or I lost access), or I lost every permission that opens these settings.
  useEffect(() => {
    if (!guild || !current) close();
  }, [guild, current]);
  if (!guild || !current) return null;

  return (
    <Dialog open title={`${guild.name}: server settings`} onClose={close} size="wide" className="admin-dialog">
      <SettingsTabs label="Server settings sections" tabs={tabs} tab={current} onChange={setTab} idPrefix="server-settings">
        {current === 'overview' && <Overview guildId={guildId} />}
        {current === 'roles' && <Roles guildId={guildId} />}
        {current === 'invites' && <Invites guildId={guildId} />}
        {current === 'bans' && <Bans guildId={guildId} />}
        {current === 'audit-log' && <AuditLog guildId={guildId} />}
        {current === 'recordings' && <RecordingsTab guildId={guildId} />}
        {current === 'embed' && <EmbedTab guildId={guildId} />}
        {current === 'webhooks' && <WebhooksTab guildId={guildId} />}
      </SettingsTabs>
    </Dialog>
  );
}

function Overview({ guildId }: { guildId: string }) {
  const guild = useGuilds((s) => s.guilds.find((g) => g.id === guildId));
  const isOwner = useIsOwner(guildId);
  const selfId = useAuth((s) => s.user?.id);
  const members = useAdmin((s) => s.members[guildId]);
  const [name, setName] = useState(guild?.name ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [newOwner, setNewOwner] = useState('');
  const [confirm, setConfirm] = useState<'delete' | 'transfer' | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const ids = { name: useId(), owner: useId() };
  if (!guild) return null;

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    const r = await adminStore.getState().renameGuild(guildId, name.trim());
    setBusy(false);
    if (r.ok) setSaved('Saved.');
    else setError(r.message);
  }
  async function runConfirmed() {
    setBusy(true);
    setConfirmError(null);
    const r =
      confirm === 'delete'
        ? await adminStore.getState().deleteGuild(guildId)
        : await adminStore.getState().transferOwnership(guildId, newOwner);
    setBusy(false);
    if (!r.ok) return setConfirmError(r.message);
    setConfirm(null);
    if (confirm === 'transfer') setSaved('Ownership transferred.');
  }
  const candidates = (members ?? []).filter((m) => m.user.id !== selfId);
  const target = candidates.find((m) => m.user.id === newOwner);

  return (
    <div className="admin-section">
      <h3>Overview</h3>
      <GuildIconField guild={guild} />
      <form onSubmit={(e) => void save(e)}>
        <div className="field">
          <label htmlFor={ids.name}>Server name</label>
          <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-autofocus />
        </div>
        <button type="submit" className="btn primary" disabled={busy || !name.trim() || name.trim() === guild.name}>
          Save changes
        </button>
      </form>
      <FormStatus error={error} saved={saved} />
      <SystemChannelField guildId={guildId} />
      <UploadLimitField guildId={guildId} />
      {isOwner && (
        <section className="admin-danger-zone" aria-labelledby={`${ids.owner}-h`}>
          <h4 id={`${ids.owner}-h`}>Owner only</h4>
          <div className="field">
            <label htmlFor={ids.owner}>Transfer ownership to</label>
            <div className="admin-inline">
              <select id={ids.owner} value={newOwner} onChange={(e) => setNewOwner(e.target.value)}>
                <option value="">Choose a member…</option>
                {candidates.map((m) => (
                  <option key={m.user.id} value={m.user.id}>
                    {displayName(m)} (@{m.user.username})
                  </option>
                ))}
              </select>
              <button type="button" className="btn secondary" disabled={!target} onClick={() => setConfirm('transfer')}>
                Transfer ownership
              </button>
            </div>
          </div>
          <p className="muted small">Deleting the server removes every channel, message and role, for everyone.</p>
          <button type="button" className="btn admin-danger" onClick={() => setConfirm('delete')}>
            Delete server
          </button>
        </section>
      )}
      {confirm && (
        <TypedConfirm
          title={confirm === 'delete' ? 'Delete server' : 'Transfer ownership'}
          word={guild.name}
          action={confirm === 'delete' ? 'Delete server' : 'Transfer ownership'}
          explanation={
            confirm === 'delete' ? (
              <p>
                <strong>{guild.name}</strong> and everything in it will be deleted. This cannot be undone.
              </p>
            ) : (
              <p>
                <strong>{displayName(target)}</strong> becomes the owner of <strong>{guild.name}</strong>. You keep your roles but lose the
                owner&apos;s rights.
              </p>
            )
          }
          busy={busy}
          error={confirmError}
          onConfirm={() => void runConfirmed()}
          onCancel={() => {
            setConfirm(null);
            setConfirmError(null);
          }}
        />
      )}
    </div>
  );
}

function Roles({ guildId }: { guildId: string }) {
  const roles = useGuilds((s) => s.rolesByGuild[guildId]);
  const sorted = useMemo(() => [...(roles ?? [])].sort((a, b) => b.position - a.position), [roles]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const role = sorted.find((r) => r.id === selected) ?? sorted[0];

  async function create() {
    setError(null);
    const r = await adminStore.getState().createRole(guildId, 'new role');
    if (!r.ok) return setError(r.message);
    setSelected(r.value.id);
  }

  return (
    <div className="admin-section">
      <h3>Roles</h3>
      <p className="muted small">
        Members get every permission of each of their roles. Higher roles are listed first; @everyone is every member. Drag a role&apos;s
        handle (or focus it, press Space, move with the arrow keys and press Space again) to reorder.
      </p>
      <div className="admin-roles">
        <div className="admin-role-list">
          <button type="button" className="btn primary wide" onClick={() => void create()}>
            Create role
          </button>
          <RoleList guildId={guildId} roles={sorted} selectedId={role?.id} onSelect={setSelected} onError={setError} />
        </div>
        {role && <RoleEditor key={role.id} guildId={guildId} role={role} />}
      </div>
      <FormStatus error={error} />
    </div>
  );
}

function RoleEditor({ guildId, role }: { guildId: string; role: Role }) {
  const everyone = role.id === guildId;
  const [name, setName] = useState(role.name);
  const [color, setColor] = useState<number | null>(role.color);
  const [perms, setPerms] = useState(role.permissions);
  const [hoist, setHoist] = useState(role.hoist);
  const [mentionable, setMentionable] = useState(role.mentionable);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const ids = { name: useId(), color: useId(), useColor: useId() };
  const dirty =
    name.trim() !== role.name ||
    color !== role.color ||
    perms !== role.permissions ||
    hoist !== role.hoist ||
    mentionable !== role.mentionable;

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    const body = everyone ? { permissions: perms } : { name: name.trim(), color, permissions: perms, hoist, mentionable };
    const r = await adminStore.getState().updateRole(guildId, role.id, body);
    setBusy(false);
    if (r.ok) setSaved('Saved.');
    else setError(r.message);
  }
  async function remove() {
    setBusy(true);
    const r = await adminStore.getState().deleteRole(guildId, role.id);
    setBusy(false);
    if (!r.ok) setError(r.message);
    setConfirmDelete(false);
  }

  return (
    <div className="admin-role-editor">
      <form onSubmit={(e) => void save(e)} aria-label={`Edit role ${everyone ? '@everyone' : role.name}`}>
        <h4>{everyone ? '@everyone' : `Role: ${role.name}`}</h4>
        {!everyone && (
          <div className="admin-inline wrap">
            <div className="field grow">
              <label htmlFor={ids.name}>Role name</label>
              <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
            </div>
            <div className="field">
              <span className="label" id={`${ids.color}-l`}>
                Colour
              </span>
              <div className="admin-inline">
                <input
                  id={ids.useColor}
                  type="checkbox"
                  checked={color !== null}
                  onChange={(e) => setColor(e.target.checked ? 0x5865f2 : null)}
                />
                <label htmlFor={ids.useColor} className="admin-plain-label">
                  Use a colour
                </label>
                {color !== null && (
                  <input
                    id={ids.color}
                    type="color"
                    aria-label="Role colour"
                    value={colorToHex(color)}
                    onChange={(e) => setColor(hexToColor(e.target.value))}
                  />
                )}
              </div>
            </div>
          </div>
        )}
        {!everyone && (
          <fieldset className="admin-perms">
            <legend>Display</legend>
            <SettingSwitch
              label="Show members separately"
              description="Online members with this role get their own section in the member list, under the role's name."
              checked={hoist}
              onChange={setHoist}
            />
            <SettingSwitch
              label="Allow anyone to @mention this role"
              description="Everyone can notify all members of this role by writing @ and its name; members with Manage roles always can."
              checked={mentionable}
              onChange={setMentionable}
            />
          </fieldset>
        )}
        <fieldset className="admin-perms">
          <legend>Permissions</legend>
          {PERMISSION_NAMES.map((p) => (
            <PermissionSwitch
              key={p}
              name={p}
              checked={hasPermission(perms, Permission[p])}
              onChange={(on) => setPerms((cur) => (on ? cur | Permission[p] : cur & ~Permission[p]))}
            />
          ))}
        </fieldset>
        <div className="admin-actions sticky">
          {!everyone && (
            <button type="button" className="btn admin-danger-outline" onClick={() => setConfirmDelete(true)}>
              Delete role
            </button>
          )}
          <span className="spacer" />
          <button type="submit" className="btn primary" disabled={busy || !dirty || (!everyone && !name.trim())}>
            Save changes
          </button>
        </div>
        <FormStatus error={error} saved={saved} />
      </form>
      {!everyone && <RoleMembers guildId={guildId} role={role} />}
      {confirmDelete && (
        <TypedConfirm
          title="Delete role"
          word={role.name}
          action="Delete role"
          explanation={<p>Members with this role lose it and the permissions it gave them.</p>}
          busy={busy}
          error={error}
          onConfirm={() => void remove()}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </div>
  );
}

function SettingSwitch({
  label,
  description,
  checked,
  onChange,
}: {
  label: string;
  description: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="admin-perm-row">
      <div>
        <label htmlFor={id}>{label}</label>
        <p className="muted small" id={`${id}-d`}>
          {description}
        </p>
      </div>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        aria-describedby={`${id}-d`}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
    </div>
  );
}

function PermissionSwitch({
  name,
  checked,
  onChange,
}: {
  name: (typeof PERMISSION_NAMES)[number];
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  const id = useId();
  const info = PERMISSION_INFO[name];
  return (
    <div className="admin-perm-row">
      <div>
        <label htmlFor={id}>{info.label}</label>
        <p className="muted small" id={`${id}-d`}>
          {info.description}
        </p>
      </div>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        aria-describedby={`${id}-d`}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
    </div>
  );
}

function RoleMembers({ guildId, role }: { guildId: string; role: Role }) {
  const members = useAdmin((s) => s.members[guildId]);
  const [pick, setPick] = useState('');
  const [error, setError] = useState<string | null>(null);
  const pickId = useId();
  const holders = (members ?? []).filter((m) => m.roleIds.includes(role.id));
  const others = (members ?? []).filter((m) => !m.roleIds.includes(role.id));

  async function set(userId: string, give: boolean) {
    setError(null);
    const r = await adminStore.getState().setMemberRole(guildId, userId, role.id, give);
    if (!r.ok) setError(r.message);
    else if (give) setPick('');
  }
  return (
    <section className="admin-role-members" aria-labelledby={`${pickId}-h`}>
      <h4 id={`${pickId}-h`}>Members with {role.name}</h4>
      <div className="admin-inline">
        <label htmlFor={pickId} className="sr-only">
          Member to give {role.name}
        </label>
        <select id={pickId} value={pick} onChange={(e) => setPick(e.target.value)}>
          <option value="">Choose a member…</option>
          {others.map((m) => (
            <option key={m.user.id} value={m.user.id}>
              {displayName(m)} (@{m.user.username})
            </option>
          ))}
        </select>
        <button type="button" className="btn secondary" disabled={!pick} onClick={() => void set(pick, true)}>
          Add member
        </button>
      </div>
      {holders.length === 0 ? (
        <p className="muted small">No one has this role yet.</p>
      ) : (
        <ul className="admin-list" aria-label={`Members with ${role.name}`}>
          {holders.map((m) => (
            <li key={m.user.id}>
              <span>{displayName(m)}</span>
              <span className="muted small">@{m.user.username}</span>
              <span className="spacer" />
              <button
                type="button"
                className="btn secondary small"
                aria-label={`Remove ${role.name} from ${displayName(m)}`}
                onClick={() => void set(m.user.id, false)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormStatus error={error} />
    </section>
  );
}

function Invites({ guildId }: { guildId: string }) {
  const invites = useAdmin((s) => s.invites[guildId]);
  const members = useAdmin((s) => s.members[guildId]);
  const [maxAgeSeconds, setAge] = useState(86_400);
  const [maxUses, setUses] = useState(0);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = { age: useId(), uses: useId(), link: useId() };
  const serverUrl = authStore.getState().serverUrl;

  useEffect(() => {
    void adminStore
      .getState()
      .loadInvites(guildId)
      .then((r) => !r.ok && setError(r.message));
  }, [guildId]);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const r = await adminStore.getState().createInvite(guildId, { maxAgeSeconds, maxUses });
    if (r.ok) setCreated(r.value.code);
    else setError(r.message);
  }
  async function revoke(code: string) {
    setError(null);
    const r = await adminStore.getState().revokeInvite(guildId, code);
    if (!r.ok) setError(r.message);
    if (created === code) setCreated(null);
  }
  return (
    <div className="admin-section">
      <h3>Invites</h3>
      <form className="admin-inline wrap end" onSubmit={(e) => void create(e)} aria-label="Create an invite">
        <div className="field">
          <label htmlFor={ids.age}>Expire after</label>
          <select id={ids.age} value={maxAgeSeconds} onChange={(e) => setAge(Number(e.target.value))} data-autofocus>
            {INVITE_AGES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.uses}>Max number of uses</label>
          <select id={ids.uses} value={maxUses} onChange={(e) => setUses(Number(e.target.value))}>
            {INVITE_USES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn primary field-aligned">
          Create invite
        </button>
      </form>
      {created && (
        <div className="field">
          <label htmlFor={ids.link}>New invite link</label>
          <input
            id={ids.link}
            readOnly
            value={inviteLink(serverUrl, created)}
            onFocus={(e) => e.target.select()}
            data-invite-code={created}
          />
        </div>
      )}
      <FormStatus error={error} />
      <table className="admin-table">
        <caption className="sr-only">Active invites</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Created by</th>
            <th scope="col">Uses</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(invites ?? []).map((i) => (
            <tr key={i.code} data-invite={i.code}>
              <td>
                <code>{i.code}</code>
              </td>
              <td>{displayName(members?.find((m) => m.user.id === i.inviterId))}</td>
              <td>{i.maxUses ? `${i.uses}/${i.maxUses}` : `${i.uses}`}</td>
              <td>{i.expiresAt ? formatDate(i.expiresAt) : 'Never'}</td>
              <td>
                <button
                  type="button"
                  className="btn admin-danger-outline small"
                  aria-label={`Revoke invite ${i.code}`}
                  onClick={() => void revoke(i.code)}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {invites && invites.length === 0 && <p className="muted small">No active invites.</p>}
    </div>
  );
}

function Bans({ guildId }: { guildId: string }) {
  const bans = useAdmin((s) => s.bans[guildId]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void adminStore
      .getState()
      .loadBans(guildId)
      .then((r) => !r.ok && setError(r.message));
  }, [guildId]);
  async function unban(userId: string) {
    setError(null);
    const r = await adminStore.getState().unban(guildId, userId);
    if (!r.ok) setError(r.message);
  }
  return (
    <div className="admin-section">
      <h3>Bans</h3>
      <p className="muted small">Banned users cannot rejoin with an invite until they are unbanned.</p>
      <FormStatus error={error} />
      {bans && bans.length === 0 && <p className="muted">No one is banned.</p>}
      <ul className="admin-list" aria-label="Banned users">
        {(bans ?? []).map((b) => (
          <li key={b.user.id}>
            <span>{b.user.displayName}</span>
            <span className="muted small">@{b.user.username}</span>
            <span className="muted small">{b.reason ? `Reason: ${b.reason}` : 'No reason given'}</span>
            <span className="spacer" />
            <button
              type="button"
              className="btn secondary small"
              aria-label={`Unban ${b.user.displayName}`}
              onClick={() => void unban(b.user.id)}
            >
              Unban
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function AuditLog({ guildId }: { guildId: string }) {
  const view = useAdmin((s) => s.audit[guildId]);
  const members = useAdmin((s) => s.members[guildId]);
  const roles = useGuilds((s) => s.rolesByGuild[guildId]);
  const channels = useGuilds((s) => s.channelsByGuild[guildId]);
  const [action, setAction] = useState<AuditAction | ''>('');
  const [actor, setActor] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ids = { action: useId(), actor: useId() };

  useEffect(() => {
    void adminStore
      .getState()
      .loadAudit(guildId, action || null)
      .then((r) => setError(r.ok ? null : r.message));
  }, [guildId, action]);

  const nameOf = (id: string | null): string => {
    if (!id) return 'System';
    const m = members?.find((x) => x.user.id === id);
    if (m) return displayName(m);
    const r = roles?.find((x) => x.id === id);
    if (r) return r.id === guildId ? '@everyone' : `role ${r.name}`;
    const c = channels?.find((x) => x.id === id);
    if (c) return c.type === 'text' ? `#${c.name}` : c.name;
    // A voice widget guest a moderator muted or disconnected: named as the voice list names it.
    if (isGuest(id)) return `Guest ${id.slice('guest:'.length, 'guest:'.length + 4)}`;
    return id.length > 12 ? `…${id.slice(-6)}` : id;
  };
  // The API filters by action; the user filter narrows what is loaded (and "Load more" fetches further back).
  const items = (view?.items ?? []).filter((e) => !actor || e.actorId === actor);
  const actors = [...new Set((view?.items ?? []).map((e) => e.actorId).filter((x): x is string => !!x))];

  return (
    <div className="admin-section">
      <h3>Audit log</h3>
      <div className="admin-inline wrap">
        <div className="field">
          <label htmlFor={ids.action}>Action</label>
          <select id={ids.action} value={action} onChange={(e) => setAction(e.target.value as AuditAction | '')} data-autofocus>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {AUDIT_LABELS[a]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.actor}>User</label>
          <select id={ids.actor} value={actor} onChange={(e) => setActor(e.target.value)}>
            <option value="">All users</option>
            {actors.map((a) => (
              <option key={a} value={a}>
                {nameOf(a)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <FormStatus error={error} />
      <ol className="admin-audit" aria-label="Audit log entries">
        {items.map((e) => (
          <li key={e.id} data-action={e.action}>
            <span className="admin-audit-what">
              <strong>{nameOf(e.actorId)}</strong> {AUDIT_LABELS[e.action].toLowerCase()}
              {e.targetId && e.targetId !== guildId && <> — {nameOf(e.targetId)}</>}
            </span>
            <time className="muted small" dateTime={e.createdAt}>
              {formatDate(e.createdAt)}
            </time>
          </li>
        ))}
      </ol>
      {view && !view.loading && items.length === 0 && <p className="muted">No entries.</p>}
      {view?.nextCursor && (
        <button
          type="button"
          className="btn secondary"
          disabled={view.loading}
          onClick={() => void adminStore.getState().loadAudit(guildId, action || null, true)}
        >
          Load more
        </button>
      )}
    </div>
  );
}
