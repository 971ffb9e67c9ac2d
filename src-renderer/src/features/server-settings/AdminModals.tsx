import { lazy, Suspense, useId, useState, type FormEvent } from 'react';
import { uiStore, useUi } from '../../app/services';
import { adminStore } from './admin-services';
import { Dialog } from '../../ui/Dialog';

// Loaded on first open: most sessions never open settings, so they stay out of the first script.
const ServerSettings = lazy(() => import('./ServerSettings').then((m) => ({ default: m.ServerSettings })));
const ChannelSettings = lazy(() => import('../channel-settings/ChannelSettings').then((m) => ({ default: m.ChannelSettings })));

/** The settings dialogs of this feature, opened through the UI store's `modal`. */
export function AdminModals() {
  const modal = useUi((s) => s.modal);
  if (modal?.kind === 'server-settings')
    return (
      <Suspense fallback={null}>
        <ServerSettings guildId={modal.guildId} initialTab={modal.tab} />
      </Suspense>
    );
  if (modal?.kind === 'channel-settings')
    return (
      <Suspense fallback={null}>
        <ChannelSettings guildId={modal.guildId} channelId={modal.channelId} />
      </Suspense>
    );
  if (modal?.kind === 'create-category') return <CreateCategory guildId={modal.guildId} />;
  return null;
}

function CreateCategory({ guildId }: { guildId: string }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const close = () => uiStore.getState().open(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await adminStore.getState().createCategory(guildId, name.trim());
    setBusy(false);
    if (r.ok) close();
    else setError(r.message);
  }
  return (
    <Dialog open title="Create category" onClose={close} size="narrow" className="admin-dialog">
      <form className="admin-dialog-body" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={id}>Category name</label>
          <input
            id={id}
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            placeholder="Text channels"
            data-autofocus
          />
        </div>
        {error && (
          <p className="admin-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn primary wide" disabled={busy || !name.trim()}>
          Create category
        </button>
      </form>
    </Dialog>
  );
}
