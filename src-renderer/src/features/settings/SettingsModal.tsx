import type { PrivacySettings as PrivacySettingsValue } from '@shared/api/relationships';
import { useEffect, useId, useRef, useState } from 'react';
import { relationshipsStore, uiStore, useRelationships, useSettings } from '../../app/services';
import { platform } from '../../platform/platform';
import { AccountPanel } from '../account/AccountPanel';
import { ApiTokensPanel } from '../bots/ApiTokensPanel';
import { BotsPanel } from '../bots/BotsPanel';
import { Modal } from '../guilds/GuildModals';
import { dbToMeter } from '../voice/vad-gate';
import type { DeviceInfo, DevicePreference } from './device-fallback';
import { AppVersion, DesktopPttBinding, MicrophoneAccessView, PttDiagnosticsView } from './DesktopVoice';
import { refreshDevices, useDevices } from './useDeviceWatcher';
import { useCameraPreview } from './useCameraPreview';
import { useInputLevel } from './useInputLevel';

type Tab = 'voice' | 'video' | 'appearance' | 'account' | 'privacy' | 'bots' | 'tokens';

export function SettingsModal({ initialTab }: { initialTab: Tab }) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const close = () => uiStore.getState().open(null);
  const tabs: [Tab, string][] = [
    ['voice', 'Voice & Audio'],
    ['video', 'Video'],
    ['appearance', 'Appearance'],
    ['account', 'My Account'],
    ['privacy', 'Privacy & Safety'],
    ['bots', 'Bots'],
    ['tokens', 'API Tokens'],
  ];
  return (
    <Modal title="User Settings" onClose={close} wide>
      <div className="settings-layout">
        <nav className="settings-tabs" role="tablist" aria-label="Settings sections" aria-orientation="vertical">
          {tabs.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              className={tab === id ? 'active' : ''}
              onClick={() => setTab(id)}
              onKeyDown={(e) => {
                const i = tabs.findIndex(([t]) => t === tab);
                if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                  const next = tabs[(i + (e.key === 'ArrowDown' ? 1 : tabs.length - 1)) % tabs.length];
                  if (next) {
                    setTab(next[0]);
                    document.getElementById(`tab-${next[0]}`)?.focus();
                  }
                  e.preventDefault();
                }
              }}
            >
              {label}
            </button>
          ))}
        </nav>
        <section className="settings-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'voice' && <VoiceSettings />}
          {tab === 'video' && <VideoSettings />}
          {tab === 'appearance' && <AppearanceSettings />}
          {tab === 'account' && <AccountPanel />}
          {tab === 'privacy' && <PrivacySettings />}
          {tab === 'bots' && <BotsPanel />}
          {tab === 'tokens' && <ApiTokensPanel />}
          <AppVersion />
        </section>
      </div>
    </Modal>
  );
}

function DevicePicker({
  label,
  devices,
  pref,
  onChange,
}: {
  label: string;
  devices: DeviceInfo[];
  pref: DevicePreference;
  onChange: (p: DevicePreference) => void;
}) {
  const id = useId();
  const value = pref.mode === 'default' ? 'default' : pref.deviceId;
  const missing = pref.mode === 'pinned' && !devices.some((d) => d.deviceId === pref.deviceId);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'default') return onChange({ mode: 'default' });
          const d = devices.find((x) => x.deviceId === v);
          onChange({ mode: 'pinned', deviceId: v, label: d?.label ?? '' });
        }}
      >
        <option value="default">Follow system default</option>
        {devices
          .filter((d) => d.deviceId !== 'default' && d.deviceId !== 'communications' && d.deviceId !== '')
          .map((d) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label}
            </option>
          ))}
        {missing && pref.mode === 'pinned' && <option value={pref.deviceId}>{pref.label} (disconnected — using default)</option>}
      </select>
    </div>
  );
}

function Toggle({ label, hint, checked, onChange }: { label: string; hint?: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="toggle-row">
      <div>
        <label htmlFor={id}>{label}</label>
        {hint && <p className="muted small">{hint}</p>}
      </div>
      <input id={id} type="checkbox" role="switch" className="switch" checked={checked} onChange={(e) => onChange(e.target.checked)} />
    </div>
  );
}

function keyLabel(code: string): string {
  if (code.startsWith('Key')) return code.slice(3);
  if (code.startsWith('Digit')) return code.slice(5);
  if (code === 'Backquote') return '`';
  return code.replace(/(Left|Right)$/, ' $1');
}

function VoiceSettings() {
  const s = useSettings((x) => x);
  const inputs = useDevices((d) => d.inputs);
  const outputs = useDevices((d) => d.outputs);
  const inputId = useDevices((d) => d.input.deviceId);
  const outputId = useDevices((d) => d.output.deviceId);
  const [testing, setTesting] = useState(false);
  const [binding, setBinding] = useState(false);
  const level = useInputLevel({
    enabled: true,
    deviceId: inputId,
    thresholdDb: s.vadThresholdDb,
    constraints: { noiseSuppression: s.noiseSuppression, echoCancellation: s.echoCancellation, autoGainControl: s.autoGainControl },
    loopback: testing,
    outputDeviceId: outputId,
  });
  const sliderId = useId();
  const delayId = useId();
  const desktop = platform().kind === 'desktop';

  // Labels appear only once the page may use the microphone, which the meter just asked for.
  const micAllowed = level.error === null;
  useEffect(() => {
    void refreshDevices();
  }, [micAllowed]);

  useEffect(() => {
    if (!binding) return;
    const onKey = (e: KeyboardEvent) => {
      e.preventDefault();
      if (e.code !== 'Escape') s.update({ pttKey: e.code });
      setBinding(false);
    };
    window.addEventListener('keydown', onKey, { capture: true, once: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [binding, s]);

  return (
    <div className="settings-section">
      <h3>Voice Settings</h3>
      <div className="two-col">
        <DevicePicker label="Input Device" devices={inputs} pref={s.input} onChange={s.setInput} />
        <DevicePicker label="Output Device" devices={outputs} pref={s.output} onChange={s.setOutput} />
      </div>
      {desktop && <MicrophoneAccessView />}

      <h4>Mic Test</h4>
      <p className="muted small">Having mic issues? Start a test and say something silly — we'll play your voice back to you.</p>
      <div className="mic-test">
        <button type="button" className="btn primary" onClick={() => setTesting((t) => !t)} aria-pressed={testing}>
          {testing ? 'Stop Testing' : "Let's Check"}
        </button>
        <div
          className="meter"
          role="meter"
          aria-label="Input level"
          aria-valuemin={-100}
          aria-valuemax={0}
          aria-valuenow={Math.round(level.levelDb)}
        >
          <div className={`meter-fill${level.gateOpen ? ' open' : ''}`} style={{ width: `${dbToMeter(level.levelDb) * 100}%` }} />
        </div>
      </div>
      {level.error && (
        <p className="form-error small" role="alert">
          {level.error}
        </p>
      )}

      <h4>Input Mode</h4>
      <div className="radio-list" role="radiogroup" aria-label="Input mode">
        <label className={s.inputMode === 'vad' ? 'checked' : ''}>
          <input type="radio" name="inputMode" checked={s.inputMode === 'vad'} onChange={() => s.update({ inputMode: 'vad' })} />
          Voice Activity
        </label>
        <label className={s.inputMode === 'ptt' ? 'checked' : ''}>
          <input type="radio" name="inputMode" checked={s.inputMode === 'ptt'} onChange={() => s.update({ inputMode: 'ptt' })} />
          Push to Talk
        </label>
      </div>

      {s.inputMode === 'vad' ? (
        <div className="field">
          <label htmlFor={sliderId}>Input Sensitivity</label>
          <div className="sensitivity">
            <div className="meter under" aria-hidden="true">
              <div className={`meter-fill${level.gateOpen ? ' open' : ''}`} style={{ width: `${dbToMeter(level.levelDb) * 100}%` }} />
            </div>
            <input
              id={sliderId}
              type="range"
              min={-100}
              max={0}
              step={1}
              value={s.vadThresholdDb}
              onChange={(e) => s.update({ vadThresholdDb: Number(e.target.value) })}
              aria-valuetext={`${s.vadThresholdDb} dB`}
            />
          </div>
          <p className="muted small">
            The bar turns green when you'd be heard. Quiet pauses are bridged for a moment so words aren't clipped.
          </p>
        </div>
      ) : (
        <div className="two-col">
          <div className="field">
            <span className="label">Shortcut</span>
            {desktop ? (
              <DesktopPttBinding />
            ) : (
              <>
                <button
                  type="button"
                  className={`btn secondary keybind${binding ? ' recording' : ''}`}
                  onClick={() => setBinding(true)}
                  aria-live="polite"
                >
                  {binding ? 'Press a key… (Esc to cancel)' : keyLabel(s.pttKey)}
                </button>
                <p className="muted small">In the browser, push to talk works while this tab is focused.</p>
              </>
            )}
          </div>
          <div className="field">
            <label htmlFor={delayId}>Release Delay — {s.pttReleaseMs} ms</label>
            <input
              id={delayId}
              type="range"
              min={0}
              max={2000}
              step={20}
              value={s.pttReleaseMs}
              onChange={(e) => s.update({ pttReleaseMs: Number(e.target.value) })}
            />
          </div>
        </div>
      )}
      {desktop && s.inputMode === 'ptt' && <PttDiagnosticsView />}

      <h4>Voice Processing</h4>
      <Toggle
        label="Noise Suppression"
        hint="Filters out background noise such as fans and keyboards."
        checked={s.noiseSuppression}
        onChange={(v) => s.update({ noiseSuppression: v })}
      />
      <Toggle
        label="Echo Cancellation"
        hint="Stops others hearing themselves through your speakers."
        checked={s.echoCancellation}
        onChange={(v) => s.update({ echoCancellation: v })}
      />
      <Toggle
        label="Automatic Gain Control"
        hint="Keeps your volume steady when you move away from the mic."
        checked={s.autoGainControl}
        onChange={(v) => s.update({ autoGainControl: v })}
      />

      <h4>Sounds</h4>
      <Toggle
        label="Voice Sound Cues"
        hint="A short sound when you connect, disconnect, mute or deafen, and when someone joins or leaves your channel or call. A recording starting always sounds."
        checked={s.voiceSounds}
        onChange={(v) => s.update({ voiceSounds: v })}
      />
    </div>
  );
}

const SCREEN_PRESETS = [
  ['720p30', '720p', '30 fps — lighter on your connection'],
  ['1080p30', '1080p', '30 fps — sharp text and slides'],
  ['1080p60', '1080p', '60 fps — smooth motion, games and video'],
] as const;

/**
 * The camera to use (default or pinned, with the same fallback as the microphone) with a live preview while this section
 * is open, and the screen-share quality and audio. The preview's tracks stop when the section closes.
 */
function VideoSettings() {
  const camera = useSettings((x) => x.camera);
  const screenPreset = useSettings((x) => x.screenPreset);
  const screenAudio = useSettings((x) => x.screenAudio);
  const update = useSettings((x) => x.update);
  const cameras = useDevices((d) => d.cameras);
  const cameraId = useDevices((d) => d.camera.deviceId);
  // Camera labels appear once the page may use it, which the preview just asked for.
  const videoRef = useRef<HTMLVideoElement>(null);
  const preview = useCameraPreview(videoRef, cameraId, () => void refreshDevices());
  return (
    <div className="settings-section">
      <h3>Video Settings</h3>
      <DevicePicker label="Camera" devices={cameras} pref={camera} onChange={(pref) => update({ camera: pref })} />
      <div className="camera-preview">
        <video ref={videoRef} aria-label="Camera preview" muted autoPlay playsInline data-live={preview.live ? 'true' : 'false'} />
        {!preview.live && !preview.error && (
          <p className="camera-preview-note muted" role="status">
            Starting your camera…
          </p>
        )}
      </div>
      {preview.error && (
        <p className="form-error small" role="alert">
          {preview.error}
        </p>
      )}
      <p className="muted small">Only you see this preview. Your camera turns off when you leave this page.</p>

      <h4>Screen Share Quality</h4>
      <div className="radio-list" role="radiogroup" aria-label="Screen share quality">
        {SCREEN_PRESETS.map(([value, resolution, hint]) => (
          <label key={value} className={screenPreset === value ? 'checked' : ''}>
            <input
              type="radio"
              name="screenPreset"
              value={value}
              checked={screenPreset === value}
              onChange={() => update({ screenPreset: value })}
            />
            {resolution} {hint}
          </label>
        ))}
      </div>
      <Toggle
        label="Share audio with my screen"
        hint="Where your system allows it: a browser tab's sound on the web, your computer's sound in the Windows app."
        checked={screenAudio}
        onChange={(v) => update({ screenAudio: v })}
      />
    </div>
  );
}

function AppearanceSettings() {
  const theme = useSettings((s) => s.theme);
  const update = useSettings((s) => s.update);
  return (
    <div className="settings-section">
      <h3>Appearance</h3>
      <div className="radio-list" role="radiogroup" aria-label="Theme">
        {(['dark', 'light', 'system'] as const).map((t) => (
          <label key={t} className={theme === t ? 'checked' : ''}>
            <input type="radio" name="theme" checked={theme === t} onChange={() => update({ theme: t })} />
            {t === 'system' ? 'Sync with computer' : t === 'dark' ? 'Dark' : 'Light'}
          </label>
        ))}
      </div>
    </div>
  );
}

/**
 * Who may DM and call me, and whether a call rings while I am busy (issue 16): saved on the server at once, and kept current from my other sessions
 * (PRIVACY_SETTINGS_UPDATE). A block refuses a user whatever this says.
 */
function PrivacySettings() {
  const privacy = useRelationships((s) => s.privacy);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = (change: Partial<PrivacySettingsValue>) => {
    setSaved(false);
    void relationshipsStore
      .getState()
      .setPrivacy(change)
      .then((r) => {
        setError(r.ok ? null : r.message);
        setSaved(r.ok);
      });
  };
  const options = [
    ['friends-and-guild-members', 'Friends and members of servers we share'],
    ['friends', 'Friends only'],
  ] as const;
  return (
    <div className="settings-section">
      <h3>Privacy &amp; Safety</h3>
      <p className="muted">Who can send you direct messages and call you. People you blocked never can.</p>
      {privacy === null ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : (
        <div className="radio-list" role="radiogroup" aria-label="Who can direct message and call you">
          {options.map(([value, label]) => (
            <label key={value} className={privacy.dmsAndCallsFrom === value ? 'checked' : ''}>
              <input
                type="radio"
                name="dms-and-calls-from"
                value={value}
                checked={privacy.dmsAndCallsFrom === value}
                onChange={() => save({ dmsAndCallsFrom: value })}
              />
              {label}
            </label>
          ))}
        </div>
      )}
      {privacy !== null && (
        <Toggle
          label="Call waiting"
          hint="When you are in a call or a voice channel, a call to you still rings, with the choice to switch. Off: the caller hears that you are busy."
          checked={privacy.callWaiting}
          onChange={(callWaiting) => save({ callWaiting })}
        />
      )}
      <div aria-live="polite">
        {saved && <p className="muted small">Saved.</p>}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
