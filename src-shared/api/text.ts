import { z } from 'zod';

/**
 * What names and texts may not contain, checked by one refinement every name and text schema uses:
 * - C0 and C1 control characters and DEL (NUL included): invisible, and a NUL truncates the string in C code downstream.
 *   A multi-line text keeps `\n` and `\t`; a name keeps neither. (`\r` is refused too: clients send `\n` line ends.)
 * - Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what follows them, so
 *   `invoice\u202Egpj.exe` shows as `invoiceexe.jpg` (Trojan Source, CVE-2021-42574). Text in a right-to-left script
 *   needs none of them: the Unicode bidi algorithm orders it by itself.
 * - Unpaired UTF-16 surrogates: not text at all; they cannot be stored or sent as UTF-8.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NAME_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;
// eslint-disable-next-line no-control-regex -- as above
const TEXT_FORBIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

/** The error code the API answers (400) when a name or text holds a forbidden character (see api-router.ts). */
export const INVALID_CHARACTERS = 'INVALID_CHARACTERS';

const describe = (ch: string) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The first forbidden character of `value` as `U+XXXX at n`, or null when there is none. */
export function forbiddenCharacter(value: string, kind: 'name' | 'text'): string | null {
  const match = (kind === 'name' ? NAME_FORBIDDEN : TEXT_FORBIDDEN).exec(value);
  return match ? `${describe(match[0])} at ${match.index}` : null;
}

function refineText(kind: 'name' | 'text') {
  return (value: string, ctx: z.RefinementCtx<string>) => {
    const found = forbiddenCharacter(value, kind);
    if (found === null) return;
    ctx.addIssue({
      code: 'custom',
      message:
        kind === 'name'
          ? `must not contain control characters or bidirectional overrides (${found})`
          : `must not contain control characters other than line feed and tab, or bidirectional overrides (${found})`,
      params: { code: INVALID_CHARACTERS },
    });
  };
}

/** A one-line name (username, display name, guild, channel, role, group DM, nickname, file name): no control characters. */
export const safeName = () => z.string().superRefine(refineText('name'));
/** A text that may span lines (message content, topic, ban reason, search query): `\n` and `\t` allowed. */
export const safeText = () => z.string().superRefine(refineText('text'));

/** Whether a zod issue came from `safeName` / `safeText`. */
export function isInvalidCharactersIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && (issue.params as { code?: unknown } | undefined)?.code === INVALID_CHARACTERS;
}
