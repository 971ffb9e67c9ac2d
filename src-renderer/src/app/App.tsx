import { startTransition, useEffect, useState } from 'react';
import { AuthScreen } from '../features/auth/AuthScreen';
import { ScreenPickerHost } from '../features/screen-share/ScreenPicker';
import { Toasts } from '../ui/Toasts';
import { authStore, guildsStore, uiStore, useAuth, useSettings } from './services';
import { Shell } from './Shell';
import { takeInviteFromLocation } from './invite-link';

const pendingInvite = { code: takeInviteFromLocation(window.location, window.history) };

function useTheme() {
  const theme = useSettings((s) => s.theme);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: light)');
    const apply = () => {
      const resolved = theme === 'system' ? (media.matches ? 'light' : 'dark') : theme;
      document.documentElement.dataset.theme = resolved;
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

/** Once signed in, an invite from the link that opened the app is accepted (the user clicked it to join). */
function usePendingInvite() {
  const phase = useAuth((s) => s.phase);
  useEffect(() => {
    if (phase !== 'signed-in' || !pendingInvite.code) return;
    const code = pendingInvite.code;
    pendingInvite.code = null;
    void guildsStore
      .getState()
      .joinInvite(code)
      .then((r) => {
        const ui = uiStore.getState();
        if (r.ok) ui.toast('info', `Joined ${r.value.name}`);
        else ui.toast('error', r.message);
      });
  }, [phase]);
}

export function App() {
  useTheme();
  usePendingInvite();
  const authPhase = useAuth((s) => s.phase);
  const [phase, setPhase] = useState(authPhase);
  useEffect(() => {
    startTransition(() => setPhase(authPhase));
  }, [authPhase]);
  return (
    <>
      {phase === 'restoring' && (
        <div className="splash" role="status" aria-live="polite">
          <div className="splash-logo" aria-hidden="true">
            P
          </div>
          <p>Connecting to {authStore.getState().serverUrl}…</p>
        </div>
      )}
      {phase === 'signed-out' && <AuthScreen hasInvite={pendingInvite.code !== null} />}
      {phase === 'signed-in' && <Shell />}
      <ScreenPickerHost />
      <Toasts />
    </>
  );
}
