import { useId, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { authStore, guildsStore, uiStore, useUi } from '../../app/services';
import { parseInviteCode } from '../../app/invite-link';
import { Dialog } from '../../ui/Dialog';
import { InviteDialog } from '../server-settings/InviteDialog';

/** A dialog that is open while mounted: the shape the feature dialogs use (see ui/Dialog for the primitive). */
export function Modal({
  title,
  onClose,
  children,
  wide = false,
  initialFocus,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  initialFocus?: RefObject<HTMLElement | null>;
}) {
  return (
    <Dialog open onClose={onClose} title={title} size={wide ? 'wide' : 'normal'} initialFocus={initialFocus}>
      {children}
    </Dialog>
  );
}

export function GuildModals() {
  const modal = useUi((s) => s.modal);
  const close = () => uiStore.getState().open(null);
  if (modal?.kind === 'create-guild') return <CreateGuild onClose={close} />;
  if (modal?.kind === 'create-channel')
    return <CreateChannel guildId={modal.guildId} type={modal.type} parentId={modal.parentId} onClose={close} />;
  if (modal?.kind === 'invite') return <InviteDialog guildId={modal.guildId} onClose={close} />;
  return null;
}

function CreateGuild({ onClose }: { onClose: () => void }) {
  const user = authStore.getState().user;
  const [name, setName] = useState(user ? `${user.displayName}'s server` : 'My server');
  const [invite, setInvite] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { name: useId(), invite: useId() };

  async function create(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await guildsStore.getState().createGuild(name.trim());
    setBusy(false);
    if (r.ok) onClose();
    else setError(r.message);
  }
  async function join(e: FormEvent) {
    e.preventDefault();
    const code = parseInviteCode(invite);
    if (!code) {
      setError('That is not an invite link or code.');
      return;
    }
    setBusy(true);
    setError(null);
    const r = await guildsStore.getState().joinInvite(code);
    setBusy(false);
    if (r.ok) onClose();
    else setError(r.message);
  }
  return (
    <Modal title="Add a server" onClose={onClose}>
      <form onSubmit={(e) => void create(e)} className="modal-body">
        <p className="muted">Your server is where you and your friends hang out.</p>
        <div className="field">
          <label htmlFor={ids.name}>Server name</label>
          <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </div>
        <button type="submit" className="btn primary wide" disabled={busy}>
          Create
        </button>
      </form>
      <form onSubmit={(e) => void join(e)} className="modal-body divided">
        <div className="field">
          <label htmlFor={ids.invite}>Have an invite already?</label>
          <input
            id={ids.invite}
            value={invite}
            onChange={(e) => setInvite(e.target.value)}
            placeholder="https://…/app/#/invite/AbCdEf or AbCdEf"
          />
        </div>
        <button type="submit" className="btn secondary wide" disabled={busy}>
          Join Server
        </button>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </Modal>
  );
}

function CreateChannel({
  guildId,
  type: initialType,
  parentId,
  onClose,
}: {
  guildId: string;
  type: 'text' | 'voice';
  parentId: string | null;
  onClose: () => void;
}) {
  const [type, setType] = useState(initialType);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const normalized = type === 'text' ? name.trim().toLowerCase().replace(/\s+/g, '-') : name.trim();
    const r = await guildsStore.getState().createChannel(guildId, normalized, type, parentId);
    setBusy(false);
    if (!r.ok) {
      setError(r.message);
      return;
    }
    if (r.value.type === 'text') guildsStore.getState().selectChannel(guildId, r.value.id);
    onClose();
  }
  return (
    <Modal title="Create Channel" onClose={onClose} initialFocus={nameRef}>
      <form onSubmit={(e) => void submit(e)} className="modal-body">
        <fieldset className="radio-cards">
          <legend>Channel type</legend>
          <label className={type === 'text' ? 'checked' : ''}>
            <input type="radio" name="type" value="text" checked={type === 'text'} onChange={() => setType('text')} />
            <strong># Text</strong>
            <span className="muted small">Send messages, mentions and opinions</span>
          </label>
          <label className={type === 'voice' ? 'checked' : ''}>
            <input type="radio" name="type" value="voice" checked={type === 'voice'} onChange={() => setType('voice')} />
            <strong>🔊 Voice</strong>
            <span className="muted small">Hang out together with voice</span>
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={nameId}>Channel name</label>
          <input
            ref={nameRef}
            id={nameId}
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            placeholder={type === 'text' ? 'new-channel' : 'Lounge'}
          />
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn primary wide" disabled={busy || !name.trim()}>
          Create Channel
        </button>
      </form>
    </Modal>
  );
}
