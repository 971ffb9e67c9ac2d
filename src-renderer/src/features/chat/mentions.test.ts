import { describe, expect, it } from 'vitest';
import {
  applySuggestion,
  encodeMentions,
  findTrigger,
  mentionsMe,
  splitMentions,
  suggestChannels,
  suggestEmoji,
  suggestMentions,
} from './mentions';

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

describe('mention resolution by the names people see', () => {
  const alice = { id: '1'.repeat(24), username: 'asmith', displayName: 'Alice Smith', nick: null };
  const zoe = { id: '2'.repeat(24), username: 'zoe_k', displayName: 'Zoë', nick: 'Captain Z' };
  const sam1 = { id: '3'.repeat(24), username: 'sam1', displayName: 'Sam', nick: null };
  const sam2 = { id: '4'.repeat(24), username: 'sam2', displayName: 'Sam', nick: null };
  const members = [alice, zoe, sam1, sam2];
  const general = { id: '5'.repeat(24), name: 'general' };
  const gen2 = { id: '6'.repeat(24), name: 'general-2' };

  it('when a display name with a space is typed after @, then it becomes <@id>, case-insensitively, with punctuation after it', () => {
    expect(encodeMentions('hi @alice smith, ready?', members)).toBe(`hi <@${alice.id}>, ready?`);
    expect(encodeMentions('(@Alice Smith)', members)).toBe(`(<@${alice.id}>)`);
  });

  it('when only the start of a display name is typed, or the name runs into a word, then it stays text', () => {
    expect(encodeMentions('@Alice Smi', members)).toBe('@Alice Smi');
    expect(encodeMentions('@Alice Smithers', members)).toBe('@Alice Smithers');
  });

  it('when diacritics differ, or the nickname is used, then the member is still found', () => {
    expect(encodeMentions('@zoe and @captain z', members)).toBe(`<@${zoe.id}> and <@${zoe.id}>`);
  });

  it('when two members share a display name, then it stays text, and each username still works', () => {
    expect(encodeMentions('@Sam', members)).toBe('@Sam');
    expect(encodeMentions('@sam1 @sam2', members)).toBe(`<@${sam1.id}> <@${sam2.id}>`);
  });

  it("when a name is both a username and someone else's display name, then the username wins", () => {
    const bobby = { id: '7'.repeat(24), username: 'bobby', displayName: 'asmith', nick: null };
    expect(encodeMentions('@asmith', [alice, bobby])).toBe(`<@${alice.id}>`);
  });

  it('when #channel names a channel, then it becomes <#id>, the longest name winning; unknown channels and headings stay', () => {
    expect(encodeMentions('see #general-2 and #General. #nope', [], [], [general, gen2])).toBe(
      `see <#${gen2.id}> and <#${general.id}>. #nope`,
    );
    expect(encodeMentions('# Heading', [], [], [general])).toBe('# Heading');
  });

  it('when autocomplete inserts a member, then the inserted name encodes back to exactly that member', () => {
    const [first] = suggestMentions('ali', members, []);
    expect(first).toMatchObject({ kind: 'member', label: 'Alice Smith', insert: '@Alice Smith' });
    expect(encodeMentions(first!.insert, members)).toBe(`<@${alice.id}>`);
    // Two "Sam"s: each is inserted by its username, which is unambiguous.
    const sams = suggestMentions('sam', members, []);
    expect(sams.map((s) => s.insert).sort()).toEqual(['@sam1', '@sam2']);
    // A nickname is what the guild shows, so it is the label and the inserted name.
    expect(suggestMentions('capt', members, [])[0]).toMatchObject({ label: 'Captain Z', detail: 'zoe_k', insert: '@Captain Z' });
  });
});

describe('autocomplete', () => {
  const members = [
    { id: '1'.repeat(24), username: 'mallory', displayName: 'Mallory', nick: null },
    { id: '2'.repeat(24), username: 'al', displayName: 'Al', nick: null },
    { id: '3'.repeat(24), username: 'kal', displayName: 'Kalinda', nick: null },
    { id: '4'.repeat(24), username: 'xy', displayName: 'Big Alan', nick: null },
    { id: '5'.repeat(24), username: 'alex', displayName: 'Álex', nick: null },
  ];
  const roles = [{ id: '6'.repeat(24), name: 'Alarm crew' }];

  it('when ranking, then exact before prefix before word start before anywhere, members before roles; diacritics ignored', () => {
    expect(suggestMentions('al', members, roles).map((s) => s.label)).toEqual([
      'Al',
      'Álex',
      '@Alarm crew',
      'Big Alan',
      'Kalinda',
      'Mallory',
    ]);
  });

  it('when nothing matches, then there are no suggestions; an empty query lists everyone (up to ten)', () => {
    expect(suggestMentions('zz', members, roles)).toEqual([]);
    expect(suggestMentions('', members, roles)).toHaveLength(6);
  });

  it('when finding the trigger at the caret, then @ and # open at a word start, : needs two characters, e-mail addresses do not open', () => {
    expect(findTrigger('hi @al', 6)).toEqual({ sigil: '@', start: 3, query: 'al' });
    expect(findTrigger('hi @Alice Sm', 12)).toEqual({ sigil: '@', start: 3, query: 'Alice Sm' });
    expect(findTrigger('@', 1)).toEqual({ sigil: '@', start: 0, query: '' });
    expect(findTrigger('mail me@host', 12)).toBeNull();
    expect(findTrigger('go #gen', 7)).toEqual({ sigil: '#', start: 3, query: 'gen' });
    expect(findTrigger('nice :t', 7)).toBeNull();
    expect(findTrigger('nice :th', 8)).toEqual({ sigil: ':', start: 5, query: 'th' });
    expect(findTrigger('at 12:30', 8)).toBeNull();
    expect(findTrigger('@al\nnext', 8)).toBeNull();
  });

  it('when a suggestion is picked, then it replaces the trigger and its query, followed by one space and the caret', () => {
    const text = 'hi @al and more';
    const trigger = findTrigger(text, 6)!;
    const s = suggestMentions('al', members, roles)[0]!;
    expect(applySuggestion(text, trigger, 6, s)).toEqual({ text: 'hi @Al and more', caret: 7 });
  });

  it('when # is typed, then channels rank like names; : finds emoji by name', () => {
    const channels = [
      { id: '7'.repeat(24), name: 'random' },
      { id: '8'.repeat(24), name: 'general' },
    ];
    expect(suggestChannels('gen', channels).map((s) => s.label)).toEqual(['#general']);
    expect(
      suggestEmoji('thu', [
        { emoji: '👍', name: 'thumbs up' },
        { emoji: '🔥', name: 'fire', keywords: 'hot' },
      ]),
    ).toEqual([{ kind: 'emoji', key: 'e👍', label: '👍', detail: ':thumbs_up:', insert: '👍' }]);
  });
});
