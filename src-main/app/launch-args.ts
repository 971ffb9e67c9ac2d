import type { DeepLink } from '@shared/ipc/contract';
import { deepLinkSchema } from '@shared/ipc/contract';

/**
 * Parses what a launch hands us: `parley://invite/<code>` deep links (argv on Windows/Linux, open-url on macOS),
 * `--ptt=down|up|toggle` (the push-to-talk fallback for Wayland / no Accessibility, bound in the compositor), and
 * `--hidden` (started at login).
 */

export const PROTOCOL = 'parley';

export function parseDeepLink(raw: string): DeepLink | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== `${PROTOCOL}:`) return null;
  // parley://invite/<code> → host "invite", path "/<code>"; tolerate a trailing slash.
  const segments = url.pathname.split('/').filter(Boolean);
  if (url.host !== 'invite' || segments.length !== 1) return null;
  const parsed = deepLinkSchema.safeParse({ kind: 'invite', code: segments[0] });
  return parsed.success ? parsed.data : null;
}

export type PttCommand = 'down' | 'up' | 'toggle';

export interface LaunchArgs {
  ptt: PttCommand | null;
  deepLink: DeepLink | null;
  hidden: boolean;
}

export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  let ptt: PttCommand | null = null;
  let deepLink: DeepLink | null = null;
  let hidden = false;
  for (const arg of argv) {
    const m = /^--ptt=(down|up|toggle)$/i.exec(arg);
    if (m) ptt = (m[1] ?? '').toLowerCase() as PttCommand;
    else if (arg === '--hidden') hidden = true;
    else if (arg.toLowerCase().startsWith(`${PROTOCOL}://`)) deepLink = parseDeepLink(arg) ?? deepLink;
  }
  return { ptt, deepLink, hidden };
}

/**
 * What a second launch does to the running instance. A `--ptt` launch must NOT raise our window: it comes from a
 * key binding while the user is in another app (a game), and stealing focus would be worse than no push-to-talk.
 */
export function createSecondInstanceHandler(deps: {
  onPtt: (command: PttCommand) => void;
  onDeepLink: (link: DeepLink) => void;
  showWindow: () => void;
}): (argv: readonly string[]) => void {
  return (argv) => {
    const args = parseLaunchArgs(argv);
    if (args.ptt) {
      deps.onPtt(args.ptt);
      return;
    }
    deps.showWindow();
    if (args.deepLink) deps.onDeepLink(args.deepLink);
  };
}

/** second-instance argv and macOS open-url, behind one object. */
export function createLaunchHandlers(deps: Parameters<typeof createSecondInstanceHandler>[0]) {
  return {
    secondInstance: createSecondInstanceHandler(deps),
    openUrl(url: string): void {
      const link = parseDeepLink(url);
      if (!link) return;
      deps.showWindow();
      deps.onDeepLink(link);
    },
  };
}
