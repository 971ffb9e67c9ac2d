/**
 * Invite links: `<server>/app/#/invite/<code>` (a hash route, so it works whatever the server does with deep paths);
 * `?invite=<code>` and `/app/invite/<code>` are accepted too.
 */
const CODE = /^[A-Za-z0-9_-]{6,32}$/;

export function inviteLink(serverUrl: string, code: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/app/#/invite/${code}`;
}

export function parseInviteCode(input: string): string | null {
  const s = input.trim();
  if (CODE.test(s)) return s;
  const m = /(?:#\/invite\/|[?&]invite=|\/invite\/)([A-Za-z0-9_-]{6,32})/.exec(s);
  return m?.[1] ?? null;
}

export function takeInviteFromLocation(loc: Location, history: History): string | null {
  const code = parseInviteCode(loc.href);
  if (code) history.replaceState(null, '', loc.pathname.replace(/\/invite\/[^/]*$/, '/'));
  return code;
}
