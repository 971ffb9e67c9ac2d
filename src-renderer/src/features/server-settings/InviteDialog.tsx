import { useEffect, useId, useState } from 'react';
import type { Invite } from '../../api/types';
import { inviteLink } from '../../app/invite-link';
import { authStore, useAuth, useGuilds } from '../../app/services';
import { adminStore } from './admin-services';
import { formatDate, INVITE_AGES, INVITE_USES } from './names';
import { useCan } from '../guilds/usePermissions';
import { CopyButton } from '../../ui/CopyButton';
import { Dialog } from '../../ui/Dialog';

/**
 * "Invite people": offers a usable invite I already made for this guild; a new one is created only when asked, with
 * the expiry and use limit chosen here.
 */
export function InviteDialog({ guildId, onClose }: { guildId: string; onClose: () => void }) {
  const guildName = useGuilds((s) => s.guilds.find((g) => g.id === guildId)?.name ?? 'this server');
  const selfId = useAuth((s) => s.user?.id);
  const canList = useCan(guildId, 'MANAGE_GUILD');
  const [invite, setInvite] = useState<Invite | null>(null);
  const [looking, setLooking] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [maxAgeSeconds, setAge] = useState(86_400);
  const [maxUses, setUses] = useState(0);
  const ids = { link: useId(), age: useId(), uses: useId() };
  const serverUrl = authStore.getState().serverUrl;

  useEffect(() => {
    let live = true;
    if (!selfId) return;
    void adminStore
      .getState()
      .findMyInvite(guildId, selfId, canList)
      .then((found) => {
        if (!live) return;
        setInvite(found);
        setLooking(false);
      });
    return () => {
      live = false;
    };
  }, [guildId, selfId, canList]);

  async function create() {
    setBusy(true);
    setError(null);
    const r = await adminStore.getState().createInvite(guildId, { maxAgeSeconds, maxUses });
    setBusy(false);
    if (r.ok) setInvite(r.value);
    else setError(r.message);
  }
  const link = invite ? inviteLink(serverUrl, invite.code) : '';

  return (
    <Dialog open title={`Invite friends to ${guildName}`} onClose={onClose} size="narrow" className="admin-dialog">
      <div className="admin-dialog-body">
        {invite && (
          <>
            <label htmlFor={ids.link} className="admin-plain-label">
              Send this invite link to a friend
            </label>
            <div className="copy-row">
              <input id={ids.link} readOnly value={link} data-invite-code={invite.code} onFocus={(e) => e.target.select()} />
              <CopyButton text={link} fieldId={ids.link} what="link" dialogFocus />
            </div>
            <p className="muted small">
              {invite.expiresAt ? `Expires ${formatDate(invite.expiresAt)}` : 'Never expires'}
              {invite.maxUses ? `, ${invite.uses} of ${invite.maxUses} uses` : ''}.
            </p>
          </>
        )}
        {!invite && looking && (
          <p className="muted" role="status">
            Looking for your invite…
          </p>
        )}
        {!looking && (
          <details className="admin-invite-options" open={!invite}>
            <summary>{invite ? 'Make a different link' : 'Create an invite link'}</summary>
            <div className="admin-inline wrap end">
              <div className="field">
                <label htmlFor={ids.age}>Expire after</label>
                <select id={ids.age} value={maxAgeSeconds} onChange={(e) => setAge(Number(e.target.value))}>
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
              <button
                type="button"
                className="btn primary field-aligned"
                disabled={busy}
                onClick={() => void create()}
                {...(invite ? {} : { 'data-autofocus': true })}
              >
                Create invite link
              </button>
            </div>
          </details>
        )}
        {error && (
          <p className="admin-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </Dialog>
  );
}
