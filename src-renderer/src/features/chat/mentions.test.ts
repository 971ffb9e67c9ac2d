import { describe, expect, it } from 'vitest';
import { encodeMentions, splitMentions } from './mentions';

const bob = { id: 'b'.repeat(24), username: 'bob' };

describe('mentions', () => {
  it('when the composer text names a member with @username, then it is sent as <@id>; unknown names stay text', () => {
    expect(encodeMentions('hey @Bob and @nobody, mail me@bob.org', [bob])).toBe(`hey <@${bob.id}> and @nobody, mail me@bob.org`);
  });

  it('when rendering, then <@id> tokens are split out for highlighting and the rest stays as text', () => {
    expect(splitMentions(`hi <@${bob.id}>!`)).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', userId: bob.id },
      { kind: 'text', text: '!' },
    ]);
  });
});
