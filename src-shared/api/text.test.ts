import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CreateChannelBody } from './channels';
import { CreateGuildBody } from './guilds';
import { EditMessageBody, SendMessageBody } from './messages';
import { CreateRoleBody } from './roles';
import { forbiddenCharacter, isInvalidCharactersIssue, safeName, safeText } from './text';
import { PatchMeBody, RegisterBody } from './users';

const firstIssue = (r: z.ZodSafeParseResult<unknown>) => (r.success ? null : r.error.issues[0]);

describe('safeName / safeText', () => {
  const bad = [
    '\u0000',
    '\u0007',
    '\u001B',
    '\u007F',
    '\u0085',
    '\u202A',
    '\u202B',
    '\u202C',
    '\u202D',
    '\u202E',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
    '\uD800',
    '\uDFFF',
    '\r',
  ];

  it.each(bad.map((ch) => [ch.codePointAt(0)!.toString(16)]))(
    'when a name or text holds U+%s, then it is refused with the INVALID_CHARACTERS marker',
    (hex) => {
      const ch = String.fromCodePoint(parseInt(hex, 16));
      for (const schema of [safeName(), safeText()]) {
        const issue = firstIssue(schema.safeParse(`ab${ch}cd`));
        expect(issue).not.toBeNull();
        expect(isInvalidCharactersIssue(issue!)).toBe(true);
        expect(issue!.message).toContain(`U+${hex.toUpperCase().padStart(4, '0')} at 2`);
      }
    },
  );

  it('when a text holds line feeds and tabs, then it passes; a name with them is refused', () => {
    expect(safeText().safeParse('line one\n\tline two').success).toBe(true);
    expect(safeName().safeParse('two\nlines').success).toBe(false);
    expect(safeName().safeParse('tab\tbed').success).toBe(false);
  });

  it('when names are in right-to-left scripts, accented, emoji or joined emoji, then they pass', () => {
    for (const s of ['שלום', 'مرحبا', 'Zoë Ångström', '👩‍👩‍👧 family', 'a\u200Db', '日本語', 'pаypal']) {
      expect(safeName().safeParse(s).success, s).toBe(true);
      expect(safeText().safeParse(s).success, s).toBe(true);
    }
  });

  it('reports the first forbidden character with its position', () => {
    expect(forbiddenCharacter('ok', 'name')).toBeNull();
    expect(forbiddenCharacter('invoice\u202Egpj.exe', 'name')).toBe('U+202E at 7');
    expect(forbiddenCharacter('a\nb', 'text')).toBeNull();
    expect(forbiddenCharacter('a\nb', 'name')).toBe('U+000A at 1');
  });
});

describe('every name and text schema uses the refinement', () => {
  const refused = (schema: z.ZodType, value: unknown) => {
    const r = schema.safeParse(value);
    return !r.success && r.error.issues.some(isInvalidCharactersIssue);
  };
  it('when a name or text of a request body holds NUL or a bidi override, then the body is refused', () => {
    expect(refused(RegisterBody, { username: 'ab\u0000c', password: 'password1' })).toBe(true);
    expect(refused(RegisterBody, { username: 'abc', displayName: 'Ann\u202Enimda', password: 'password1' })).toBe(true);
    expect(refused(PatchMeBody, { displayName: 'x\u2066y' })).toBe(true);
    expect(refused(CreateGuildBody, { name: 'guild\u0000' })).toBe(true);
    expect(refused(CreateChannelBody, { type: 'text', name: 'general\u202E' })).toBe(true);
    expect(refused(CreateChannelBody, { type: 'text', name: 'general', topic: 'x\u0001' })).toBe(true);
    expect(refused(CreateRoleBody, { name: 'mod\u2067' })).toBe(true);
    expect(refused(SendMessageBody, { content: 'hi\u202E' })).toBe(true);
    expect(refused(EditMessageBody, { content: 'hi\u0000' })).toBe(true);
    expect(SendMessageBody.safeParse({ content: 'multi\nline\twith tab' }).success).toBe(true);
  });
});
