import type { HookProblem } from '@shared/ipc/contract';

/**
 * Can a global key hook work here? Checked BEFORE starting uiohook because on X11 libuiohook aborts the whole
 * process when it cannot open the display (it does not return an error), and on Wayland it silently sees nothing.
 */

export type HookSupport =
  | { ok: true; warning: null | { problem: HookProblem; message: string; hint: string } }
  | { ok: false; problem: HookProblem; message: string; hint: string };

export interface HookSupportEnv {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** Connects to the X server named by DISPLAY (unix socket, abstract socket or TCP). */
  canReachX11: (display: string) => Promise<boolean>;
  /** macOS: systemPreferences.isTrustedAccessibilityClient(false). */
  isTrustedAccessibilityClient: () => boolean;
  /** How the user starts the app, for the fallback instructions. */
  executable: string;
}

export const fallbackCommands = (executable: string): { down: string; up: string; toggle: string } => ({
  down: `${executable} --ptt=down`,
  up: `${executable} --ptt=up`,
  toggle: `${executable} --ptt=toggle`,
});

function compositorHint(executable: string): string {
  const c = fallbackCommands(executable);
  return (
    `Bind your push-to-talk key in your desktop's keyboard settings instead: run "${c.down}" on key press and ` +
    `"${c.up}" on release (or "${c.toggle}" for toggle-to-talk). Sway example: ` +
    `bindsym --no-repeat F9 exec ${c.down} and bindsym --release F9 exec ${c.up}.`
  );
}

export async function detectHookSupport(e: HookSupportEnv): Promise<HookSupport> {
  if (e.platform === 'darwin') {
    if (e.isTrustedAccessibilityClient()) return { ok: true, warning: null };
    return {
      ok: false,
      problem: 'macos-accessibility',
      message: 'macOS blocks Parley from seeing key presses in other apps until it has the Accessibility permission.',
      hint: 'Open System Settings → Privacy & Security → Accessibility, enable Parley, then turn push-to-talk off and on again.',
    };
  }
  if (e.platform !== 'linux') return { ok: true, warning: null };

  const wayland = e.env.XDG_SESSION_TYPE === 'wayland' || Boolean(e.env.WAYLAND_DISPLAY);
  const display = e.env.DISPLAY;
  if (!display) {
    return wayland
      ? {
          ok: false,
          problem: 'wayland-no-xwayland',
          message: 'This Wayland session has no X11 compatibility (XWayland), so no app can watch keys globally.',
          hint: compositorHint(e.executable),
        }
      : {
          ok: false,
          problem: 'no-display',
          message: 'No X11 display is available (DISPLAY is not set), so keys cannot be watched globally.',
          hint: compositorHint(e.executable),
        };
  }
  if (!(await e.canReachX11(display))) {
    return {
      ok: false,
      problem: 'no-display',
      message: `The X11 display ${display} cannot be reached, so keys cannot be watched globally.`,
      hint: compositorHint(e.executable),
    };
  }
  if (wayland) {
    return {
      ok: true,
      warning: {
        problem: 'wayland-partial',
        message: 'On Wayland, Parley only sees your push-to-talk key while an X11 (XWayland) window has focus.',
        hint: compositorHint(e.executable),
      },
    };
  }
  return { ok: true, warning: null };
}

/** Where an X display listens: ":1" / "unix:1.0" → local socket 1; "host:2" → TCP 6002. */
export function parseX11Display(display: string): { kind: 'local'; number: number } | { kind: 'tcp'; host: string; port: number } | null {
  const m = /^([^:]*):(\d+)(?:\.\d+)?$/.exec(display);
  if (!m) return null;
  const host = m[1] ?? '';
  const number = Number(m[2]);
  if (host === '' || host === 'unix') return { kind: 'local', number };
  return { kind: 'tcp', host, port: 6000 + number };
}
