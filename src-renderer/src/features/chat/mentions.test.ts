import { describe, expect, it } from 'vitest';
import { encodeMentions, mentionsMe, splitMentions } from './mentions';

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

describe('role mentions', () => {
  const crew = { id: 'c'.repeat(24), name: 'Sound Crew' };
  const sound = { id: 'd'.repeat(24), name: 'Sound' };

  it('when the composer text names a role it may mention, then it is sent as <@&id>, the longest name winning', () => {
    expect(encodeMentions('@sound crew, @Sound and @Soundboard', [], [sound, crew])).toBe(
      `<@&${crew.id}>, <@&${sound.id}> and @Soundboard`,
    );
  });

  it('when a role is not offered, then its name stays text', () => {
    expect(encodeMentions('ping @Sound', [bob], [])).toBe('ping @Sound');
  });

  it('when rendering, then <@&id> is split out as a role segment', () => {
    expect(splitMentions(`to <@&${crew.id}> and <@${bob.id}>`)).toEqual([
      { kind: 'text', text: 'to ' },
      { kind: 'role', roleId: crew.id },
      { kind: 'text', text: ' and ' },
      { kind: 'mention', userId: bob.id },
    ]);
  });

  it('when a message mentions one of my roles, then it is for me like a mention of me', () => {
    const m = { mentions: [], mentionRoles: [crew.id] };
    expect(mentionsMe(m, bob.id, [crew.id])).toBe(true);
    expect(mentionsMe(m, bob.id, [sound.id])).toBe(false);
    expect(mentionsMe({ mentions: [{ id: bob.id }] }, bob.id, [])).toBe(true);
  });
});
