import { useId, useRef, useState } from 'react';
import { avatarActions, useAuth } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { ImageFilePicker } from '../../ui/image-crop/ImageFilePicker';

/** "Avatar" in My account: choose a picture, crop it, save; or remove it (back to the initial). */
export function AvatarSection() {
  const user = useAuth((s) => s.user);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const removeRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  if (!user) return null;

  const remove = async () => {
    setBusy(true);
    const r = await avatarActions.removeAvatar();
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: 'Avatar removed.' } : { ok: false, text: r.message });
  };

  return (
    <section className="account-block avatar-section" aria-labelledby={`${id}-h`}>
      <h4 id={`${id}-h`}>Avatar</h4>
      <div className="avatar-row">
        <Avatar id={user.id} name={user.displayName} avatar={user.avatar} size={80} />
        <div className="avatar-actions">
          <p className="muted small">A square picture shown next to your name everywhere. PNG, JPEG, WebP or GIF.</p>
          <div className="row">
            <ImageFilePicker
              label={user.avatar ? 'Change avatar' : 'Upload avatar'}
              dialogTitle="Crop your avatar"
              shape="round"
              onSave={async (image) => {
                const r = await avatarActions.setAvatar(image);
                if (!r.ok) return r.message;
                setMessage({ ok: true, text: 'Avatar saved.' });
                return null;
              }}
            />
            {user.avatar && (
              <button ref={removeRef} type="button" className="btn secondary" disabled={busy} onClick={() => void remove()}>
                Remove avatar
              </button>
            )}
          </div>
        </div>
      </div>
      <div aria-live="polite">{message && <p className={message.ok ? 'form-ok' : 'form-error'}>{message.text}</p>}</div>
    </section>
  );
}
