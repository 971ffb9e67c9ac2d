import type { Overwrite } from '@shared/api/channels';
import { PERMISSION_INFO } from '@shared/permissions/descriptions';
import type { PermissionName } from '@shared/permissions/permissions';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { Channel } from '../../api/types';
import { uiStore, useGuilds } from '../../app/services';
import { adminStore, useAdmin } from '../server-settings/admin-services';
import { displayName } from '../server-settings/names';
import { useCan } from '../guilds/usePermissions';
import { Dialog } from '../../ui/Dialog';
import { SettingsTabs, TypedConfirm, type TabDef } from '../server-settings/SettingsTabs';
import { BITRATES, channelPermissions, triOf, withTri, type Tri } from './overwrites';
import { FormStatus } from '../../ui/FormStatus';

type Tab = 'overview' | 'permissions';

/** Channel (or category) settings for members with MANAGE_CHANNELS; overwrites also need MANAGE_ROLES. */
export function ChannelSettings({ guildId, channelId }: { guildId: string; channelId: string }) {
  const channel = useGuilds((s) => s.channelsByGuild[guildId]?.find((c) => c.id === channelId));
  const manageChannels = useCan(guildId, 'MANAGE_CHANNELS', channel);
  const manageRoles = useCan(guildId, 'MANAGE_ROLES', channel);
  const [tab, setTab] = useState<Tab>('overview');
  const close = () => uiStore.getState().open(null);
  const tabs = useMemo(() => {
    const t: TabDef<Tab>[] = [{ id: 'overview', label: 'Overview' }];
    if (manageRoles) t.push({ id: 'permissions', label: 'Permissions' });
    return t;
  }, [manageRoles]);

  useEffect(() => {
    void adminStore.getState().loadMembers(guildId);
  }, [guildId]);
  useEffect(() => {
    if (!channel || !manageChannels) close();
  }, [channel, manageChannels]);
  if (!channel || !manageChannels) return null;
  const kind = channel.type === 'category' ? 'Category' : channel.type === 'voice' ? 'Voice channel' : 'Text channel';
  const current = tabs.some((t) => t.id === tab) ? tab : 'overview';

  return (
    <Dialog
      open
      title={`${kind} settings: ${channel.type === 'text' ? '#' : ''}${channel.name}`}
      onClose={close}
      size="wide"
      className="admin-dialog"
    >
      <SettingsTabs label="Channel settings sections" tabs={tabs} tab={current} onChange={setTab} idPrefix="channel-settings">
        {current === 'overview' && <ChannelOverview key={channel.id} channel={channel} />}
        {current === 'permissions' && <ChannelPermissions key={channel.id} channel={channel} />}
      </SettingsTabs>
    </Dialog>
  );
}

function ChannelOverview({ channel }: { channel: Channel }) {
  const channels = useGuilds((s) => s.channelsByGuild[channel.guildId]);
  const categories = useMemo(() => channels?.filter((c) => c.type === 'category'), [channels]);
  const [name, setName] = useState(channel.name);
  const [topic, setTopic] = useState(channel.topic ?? '');
  const [bitrate, setBitrate] = useState(channel.bitrate ?? 64_000);
  const [userLimit, setUserLimit] = useState(channel.userLimit ?? 0);
  const [joinToCreate, setJoinToCreate] = useState(channel.joinToCreate ?? false);
  // A temporary channel (made by a join-to-create channel) cannot itself make channels.
  const canJoinToCreate = channel.type === 'voice' && !channel.tempOwnerId;
  const [parentId, setParentId] = useState(channel.parentId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const ids = { name: useId(), topic: useId(), bitrate: useId(), limit: useId(), parent: useId(), joinToCreate: useId() };
  const bitrates = BITRATES.includes(bitrate) ? BITRATES : [...BITRATES, bitrate].sort((a, b) => a - b);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    const normalized = channel.type === 'text' ? name.trim().toLowerCase().replace(/\s+/g, '-') : name.trim();
    const r = await adminStore.getState().updateChannel(channel.id, {
      name: normalized,
      ...(channel.type === 'text' ? { topic: topic.trim() || null } : {}),
      ...(channel.type === 'voice' ? { bitrate, userLimit } : {}),
      ...(canJoinToCreate ? { joinToCreate } : {}),
      ...(channel.type !== 'category' ? { parentId: parentId || null } : {}),
    });
    setBusy(false);
    if (r.ok) {
      setName(r.value.name);
      setSaved('Saved.');
    } else setError(r.message);
  }
  async function remove() {
    setBusy(true);
    const r = await adminStore.getState().deleteChannel(channel);
    setBusy(false);
    if (!r.ok) setError(r.message);
    setConfirmDelete(false);
  }

  return (
    <div className="admin-section">
      <h3>Overview</h3>
      <form onSubmit={(e) => void save(e)}>
        <div className="field">
          <label htmlFor={ids.name}>{channel.type === 'category' ? 'Category name' : 'Channel name'}</label>
          <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-autofocus />
        </div>
        {channel.type === 'text' && (
          <div className="field">
            <label htmlFor={ids.topic}>Channel topic</label>
            <textarea
              id={ids.topic}
              value={topic}
              onChange={(e) => setTopic(e.target.value)}
              maxLength={1024}
              rows={3}
              placeholder="Let everyone know what this channel is about"
            />
          </div>
        )}
        {channel.type === 'voice' && (
          <div className="admin-inline wrap">
            <div className="field">
              <label htmlFor={ids.bitrate}>Bitrate</label>
              <select
                id={ids.bitrate}
                value={bitrate}
                onChange={(e) => setBitrate(Number(e.target.value))}
                aria-describedby={`${ids.bitrate}-d`}
              >
                {bitrates.map((b) => (
                  <option key={b} value={b}>
                    {b / 1000} kbps
                  </option>
                ))}
              </select>
              <p className="muted small" id={`${ids.bitrate}-d`}>
                The most each speaker&apos;s voice may use. Higher sounds better on good connections.
              </p>
            </div>
            <div className="field">
              <label htmlFor={ids.limit}>User limit</label>
              <input
                id={ids.limit}
                type="number"
                min={0}
                max={99}
                value={userLimit}
                onChange={(e) => setUserLimit(Math.max(0, Math.min(99, Math.trunc(Number(e.target.value) || 0))))}
                aria-describedby={`${ids.limit}-d`}
              />
              <p className="muted small" id={`${ids.limit}-d`}>
                0 = no limit.
              </p>
            </div>
          </div>
        )}
        {canJoinToCreate && (
          <div className="admin-perm-row">
            <div>
              <label htmlFor={ids.joinToCreate}>Join to create</label>
              <p className="muted small" id={`${ids.joinToCreate}-d`}>
                Whoever joins gets a voice channel of their own next to this one, which they manage. It is deleted once everyone has left.
              </p>
            </div>
            <input
              id={ids.joinToCreate}
              type="checkbox"
              role="switch"
              className="switch"
              aria-describedby={`${ids.joinToCreate}-d`}
              checked={joinToCreate}
              onChange={(e) => setJoinToCreate(e.target.checked)}
            />
          </div>
        )}
        {channel.type !== 'category' && (
          <div className="field">
            <label htmlFor={ids.parent}>Category</label>
            <select id={ids.parent} value={parentId} onChange={(e) => setParentId(e.target.value)}>
              <option value="">No category</option>
              {(categories ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="admin-actions">
          <button type="button" className="btn admin-danger-outline" onClick={() => setConfirmDelete(true)}>
            {channel.type === 'category' ? 'Delete category' : 'Delete channel'}
          </button>
          <span className="spacer" />
          <button type="submit" className="btn primary" disabled={busy || !name.trim()}>
            Save changes
          </button>
        </div>
        <FormStatus error={error} saved={saved} />
      </form>
      {confirmDelete && (
        <TypedConfirm
          title={channel.type === 'category' ? 'Delete category' : 'Delete channel'}
          word={channel.name}
          action="Delete"
          explanation={
            <p>
              {channel.type === 'category'
                ? 'The category goes; its channels stay, at the top level.'
                : 'The channel and all of its messages are deleted for everyone. This cannot be undone.'}
            </p>
          }
          busy={busy}
          error={error}
          onConfirm={() => void remove()}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </div>
  );
}

type Target = Pick<Overwrite, 'id' | 'type'>;
const keyOf = (t: Target) => `${t.type}:${t.id}`;

function ChannelPermissions({ channel }: { channel: Channel }) {
  const guildId = channel.guildId;
  const roles = useGuilds((s) => s.rolesByGuild[guildId]);
  const members = useAdmin((s) => s.members[guildId]);
  const [overwrites, setOverwrites] = useState<Overwrite[]>(channel.overwrites);
  const [selected, setSelected] = useState<string>(keyOf({ id: guildId, type: 'role' }));
  const [adding, setAdding] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const addId = useId();

  const labelOf = (t: Target): string => {
    if (t.type === 'role') return t.id === guildId ? '@everyone' : (roles?.find((r) => r.id === t.id)?.name ?? 'Deleted role');
    return displayName(
      members?.find((m) => m.user.id === t.id),
      'Member',
    );
  };
  const targets: Target[] = [
    { id: guildId, type: 'role' },
    ...overwrites.filter((o) => !(o.type === 'role' && o.id === guildId)).map((o) => ({ id: o.id, type: o.type })),
  ];
  // Selecting an addable target shows it with all-neutral toggles; it becomes an overwrite once a toggle is set.
  const pending = !targets.some((t) => keyOf(t) === selected) ? parseKey(selected) : null;
  const shown = pending ? [...targets, pending] : targets;
  const target = shown.find((t) => keyOf(t) === selected) ?? shown[0]!;
  const ow = overwrites.find((o) => o.id === target.id && o.type === target.type);
  const addable = [
    ...(roles ?? [])
      .filter((r) => r.id !== guildId && !targets.some((t) => t.type === 'role' && t.id === r.id))
      .map((r) => ({ key: keyOf({ id: r.id, type: 'role' }), label: `Role: ${r.name}` })),
    ...(members ?? [])
      .filter((m) => !targets.some((t) => t.type === 'member' && t.id === m.user.id))
      .map((m) => ({ key: keyOf({ id: m.user.id, type: 'member' }), label: `Member: ${displayName(m)}` })),
  ];
  const dirty = JSON.stringify(normalize(overwrites)) !== JSON.stringify(normalize(channel.overwrites));

  async function save() {
    setBusy(true);
    setError(null);
    setSaved(null);
    const r = await adminStore.getState().updateChannel(channel.id, { overwrites });
    setBusy(false);
    if (r.ok) {
      setOverwrites(r.value.overwrites);
      setSaved('Saved.');
    } else setError(r.message);
  }

  return (
    <div className="admin-section">
      <h3>Permissions</h3>
      <p className="muted small">
        Allow or deny a permission here for one role or member; neutral keeps what their roles give. A member&apos;s own setting beats their
        roles&apos;, which beat @everyone&apos;s.
      </p>
      <div className="admin-roles">
        <div className="admin-role-list">
          <label htmlFor={addId} className="admin-plain-label">
            Add a role or member
          </label>
          <div className="admin-inline">
            <select id={addId} value={adding} onChange={(e) => setAdding(e.target.value)}>
              <option value="">Choose…</option>
              {addable.map((a) => (
                <option key={a.key} value={a.key}>
                  {a.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn secondary small"
              disabled={!adding}
              onClick={() => {
                setSelected(adding);
                setAdding('');
              }}
            >
              Add
            </button>
          </div>
          <ul aria-label="Roles and members with settings here">
            {shown.map((t) => (
              <li key={keyOf(t)} className={keyOf(t) === keyOf(target) ? 'selected' : ''}>
                <button
                  type="button"
                  className="admin-role-name"
                  aria-pressed={keyOf(t) === keyOf(target)}
                  onClick={() => setSelected(keyOf(t))}
                >
                  {t.type === 'member' ? '👤 ' : ''}
                  {labelOf(t)}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div className="admin-role-editor">
          <h4>Permissions for {labelOf(target)}</h4>
          <div className="admin-overwrites">
            {channelPermissions(channel.type).map((p) => (
              <TriToggle key={p} perm={p} value={triOf(ow, p)} onChange={(v) => setOverwrites((cur) => withTri(cur, target, p, v))} />
            ))}
          </div>
          <div className="admin-actions sticky">
            <button type="button" className="btn secondary" disabled={!dirty || busy} onClick={() => setOverwrites(channel.overwrites)}>
              Reset
            </button>
            <span className="spacer" />
            <button type="button" className="btn primary" disabled={!dirty || busy} onClick={() => void save()}>
              Save changes
            </button>
          </div>
          <FormStatus error={error} saved={saved} />
        </div>
      </div>
    </div>
  );
}

function parseKey(key: string): Target {
  const [type, id] = key.split(':') as ['role' | 'member', string];
  return { type, id };
}

function normalize(ows: readonly Overwrite[]): Overwrite[] {
  return [...ows].filter((o) => o.allow || o.deny).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

const TRI: { value: Tri; label: string; symbol: string }[] = [
  { value: 'deny', label: 'Deny', symbol: '✕' },
  { value: 'neutral', label: 'Neutral', symbol: '/' },
  { value: 'allow', label: 'Allow', symbol: '✓' },
];

function TriToggle({ perm, value, onChange }: { perm: PermissionName; value: Tri; onChange: (v: Tri) => void }) {
  const id = useId();
  const info = PERMISSION_INFO[perm];
  return (
    <div className="admin-tri-row" data-permission={perm}>
      <div>
        <span className="admin-tri-label" id={`${id}-l`}>
          {info.label}
        </span>
        <p className="muted small" id={`${id}-d`}>
          {info.description}
        </p>
      </div>
      <div className="admin-tri" role="radiogroup" aria-labelledby={`${id}-l`} aria-describedby={`${id}-d`}>
        {TRI.map((t) => (
          <label key={t.value} className={`tri-${t.value}${value === t.value ? ' checked' : ''}`} title={t.label}>
            <input
              type="radio"
              name={id}
              value={t.value}
              checked={value === t.value}
              onChange={() => onChange(t.value)}
              aria-label={`${t.label}: ${info.label}`}
            />
            <span aria-hidden="true">{t.symbol}</span>
          </label>
        ))}
      </div>
    </div>
  );
}
