import { describe, expect, it } from 'vitest';
import { highlightPieces, parseSearch, searchPeople } from './search-query';

const ANN = 'a'.repeat(24);
const BOB = 'b'.repeat(24);
const GENERAL = 'c'.repeat(24);
const people = searchPeople([
  { user: { id: ANN, username: 'ann', displayName: 'Ann Lee' }, nick: null },
  { user: { id: BOB, username: 'bob', displayName: 'Bobby' }, nick: 'Captain' },
]);
const channels = [{ id: GENERAL, name: 'general' }];
const parse = (input: string) => parseSearch(input, { people, channels });

describe('search box operators', () => {
  it('when only words are typed, then they are the text of the search', () => {
    expect(parse('  pancake   recipe ')).toEqual({ query: { q: 'pancake recipe' }, terms: ['pancake', 'recipe'], errors: [] });
  });

  it('when from:, mentions: and in: name a member and a channel, then they become ids (username, display name, nickname, mention)', () => {
    expect(parse('from:ann mentions:Captain in:#general hello').query).toEqual({
      authorId: ANN,
      mentions: BOB,
      channelId: GENERAL,
      q: 'hello',
    });
    expect(parse('from:"Ann Lee"').query).toEqual({ authorId: ANN });
    expect(parse(`from:<@${BOB}> in:GENERAL`).query).toEqual({ authorId: BOB, channelId: GENERAL });
    expect(parse('FROM:@bobby').query).toEqual({ authorId: BOB });
  });

  it('when has: and dates are given, then they become the route filters (whole local days)', () => {
    const { query, errors } = parse('has:link after:2026-01-31 before:2026-03-01');
    expect(errors).toEqual([]);
    expect(query.has).toBe('link');
    expect(query.before).toBe(new Date(2026, 2, 1).toISOString());
    // After the whole 31st: its last millisecond (the server's `after` is exclusive).
    expect(query.after).toBe(new Date(new Date(2026, 1, 1).getTime() - 1).toISOString());
    expect(parse('has:file').query).toEqual({ has: 'attachment' });
  });

  it('when an operator cannot be resolved, then it is an error (never silently dropped)', () => {
    expect(parse('from:nobody in:#nowhere has:video before:2026-02-30 after:tomorrow mentions:').errors).toEqual([
      'No member named "nobody"',
      'No channel named "#nowhere"',
      'has: is "attachment" or "link", not "video"',
      'before: takes a day as YYYY-MM-DD, not "2026-02-30"',
      'after: takes a day as YYYY-MM-DD, not "tomorrow"',
      'mentions: needs a value',
    ]);
  });

  it('when a word only looks like an operator (http:, 12:30), then it stays text', () => {
    expect(parse('see https://x.io at 12:30').query).toEqual({ q: 'see https://x.io at 12:30' });
    expect(parse('"exact phrase" more').query).toEqual({ q: 'exact phrase more' });
  });
});

describe('result highlighting', () => {
  it('when terms occur in any case, then exactly those pieces are marked and the text is kept whole', () => {
    const pieces = highlightPieces('Pancake and PANCAKES, no cake', ['pancake', 'cake']);
    expect(pieces).toEqual([
      { text: 'Pancake', match: true },
      { text: ' and ', match: false },
      { text: 'PANCAKE', match: true },
      { text: 'S, no ', match: false },
      { text: 'cake', match: true },
    ]);
    expect(pieces.map((p) => p.text).join('')).toBe('Pancake and PANCAKES, no cake');
  });

  it('when a term holds regex characters or there are no terms, then it is plain text', () => {
    expect(highlightPieces('costs 5.00 (a+b)*', ['(a+b)*'])).toEqual([
      { text: 'costs 5.00 ', match: false },
      { text: '(a+b)*', match: true },
    ]);
    expect(highlightPieces('<script>', [])).toEqual([{ text: '<script>', match: false }]);
  });
});
