import { useState } from 'react';
import { platform } from '../../platform/platform';
import './notifications.css';

const DISMISSED_KEY = 'notifications.bannerDismissed';

/**
 * Web only: asks the browser for notification permission, from this button's click (browsers ignore or penalise
 * requests made on load). Hidden once granted, denied, dismissed, or where there is no Notification API; the desktop
 * app shows native notifications without asking.
 */
export function NotificationsBanner() {
  const p = platform();
  const permission = p.notificationPermission;
  const [state, setState] = useState(() => permission?.state() ?? 'unsupported');
  const [dismissed, setDismissed] = useState(() => p.storage.get<boolean>(DISMISSED_KEY) === true);
  if (!permission || state !== 'default' || dismissed) return null;
  return (
    <div className="notify-banner" role="region" aria-label="Desktop notifications">
      <span>Get notified of mentions when Parley is in the background.</span>
      <button type="button" className="btn primary small" onClick={() => void permission.request().then(setState)}>
        Enable desktop notifications
      </button>
      <button
        type="button"
        className="btn secondary small"
        onClick={() => {
          p.storage.set(DISMISSED_KEY, true);
          setDismissed(true);
        }}
      >
        Not now
      </button>
    </div>
  );
}
