import { useEffect, useState } from 'react';
import type { PttDiagnostics } from '@shared/ipc/contract';
import { platform, type MicrophoneAccess } from '../../platform/platform';

/**
 * Desktop: the main process captures the next key or mouse button globally, so any key works, even unfocused.
 * Escape cancels a capture: main sees it through the global hook, and this window tells main too (the hook may be
 * unavailable, e.g. on Wayland, and then only the focused window sees the key).
 */
export function DesktopPttBinding() {
  const ptt = platform().desktopPtt;
  const [label, setLabel] = useState<string | null>(null);
  const [capturing, setCapturing] = useState(false);

  useEffect(() => {
    if (!ptt) return;
    let live = true;
    void ptt.bindingLabel().then((l) => {
      if (live) setLabel(l);
    });
    const offCaptured = ptt.onBindingCaptured((l) => {
      setLabel(l);
      setCapturing(false);
    });
    const offChanged = ptt.onBindingChanged(setLabel);
    // A capture also ends in main without a new binding (Escape seen by the hook, or its timeout).
    const offDiagnostics = ptt.onDiagnostics((d) => {
      if (!d.capturing) setCapturing(false);
    });
    return () => {
      live = false;
      offCaptured();
      offChanged();
      offDiagnostics();
    };
  }, [ptt]);

  useEffect(() => {
    if (!ptt || !capturing) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      ptt.cancelRebind();
      setCapturing(false);
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [ptt, capturing]);

  if (!ptt) return null;
  return (
    <>
      <button
        type="button"
        className={`btn secondary keybind${capturing ? ' recording' : ''}`}
        aria-live="polite"
        onClick={() => {
          if (capturing) {
            ptt.cancelRebind();
            setCapturing(false);
          } else {
            ptt.startRebind();
            setCapturing(true);
          }
        }}
      >
        {capturing ? 'Press a key or mouse button… (Esc to cancel)' : (label ?? 'Set a key')}
      </button>
      <p className="muted small">Works while Parley is in the background.</p>
    </>
  );
}

/** The global hook's state as main reports it: when it cannot work here, why, what to do, and the command-line fallback. */
export function PttDiagnosticsView() {
  const ptt = platform().desktopPtt;
  const [d, setD] = useState<PttDiagnostics | null>(null);
  useEffect(() => {
    if (!ptt) return;
    let live = true;
    void ptt.diagnostics().then((first) => {
      if (live && first) setD(first);
    });
    const off = ptt.onDiagnostics(setD);
    return () => {
      live = false;
      off();
    };
  }, [ptt]);
  if (!d || !d.message) return null;
  return (
    <div className="ptt-diagnostics" role="status">
      <p className="small">
        <strong>{d.status === 'active' ? 'Push to talk works only in part: ' : 'Push to talk cannot watch keys globally: '}</strong>
        {d.message}
      </p>
      {d.hint && <p className="muted small">{d.hint}</p>}
      {d.backend !== 'uiohook' && (
        <p className="muted small">
          Bind these in your desktop's shortcut settings instead: <code>{d.fallbackCommands.down}</code> on press,{' '}
          <code>{d.fallbackCommands.up}</code> on release, or <code>{d.fallbackCommands.toggle}</code> to toggle.
        </p>
      )}
    </div>
  );
}

const ACCESS_TEXT: Record<Exclude<MicrophoneAccess, 'granted' | 'unknown'>, string> = {
  'not-determined': 'Parley has not been allowed to use the microphone yet.',
  denied: 'The system blocks Parley from using the microphone. Allow it in the system privacy settings, then restart Parley.',
  restricted: 'A system policy blocks Parley from using the microphone.',
};

/** The OS microphone permission (macOS privacy prompt, Windows privacy switch), with a button where the OS can ask. */
export function MicrophoneAccessView() {
  const access = platform().microphoneAccess;
  const [status, setStatus] = useState<MicrophoneAccess>('unknown');
  useEffect(() => {
    if (!access) return;
    let live = true;
    void access.status().then((s) => {
      if (live) setStatus(s);
    });
    return () => {
      live = false;
    };
  }, [access]);
  if (!access || status === 'granted' || status === 'unknown') return null;
  return (
    <div className="ptt-diagnostics" role="status">
      <p className="small">{ACCESS_TEXT[status]}</p>
      {status === 'not-determined' && (
        <button type="button" className="btn secondary" onClick={() => void access.request().then((r) => setStatus(r.status))}>
          Allow microphone access
        </button>
      )}
    </div>
  );
}

/** "Parley 0.1.0 · linux" under the settings sections, for bug reports; nothing on the web. */
export function AppVersion() {
  const [info, setInfo] = useState<{ version: string; platform: string } | null>(null);
  useEffect(() => {
    let live = true;
    void platform()
      .appInfo()
      .then((i) => {
        if (live) setInfo(i);
      });
    return () => {
      live = false;
    };
  }, []);
  if (!info) return null;
  return (
    <p className="muted small app-version">
      Parley {info.version} · {info.platform}
    </p>
  );
}
