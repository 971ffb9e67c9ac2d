import { describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { messageIdFloor } from './message-ids';
import { createSearchRepo, engineOfBuildInfo, escapeRegex, searchFilter, searchTerms } from './search.repo';

describe('search engine detection', () => {
  it('when buildInfo comes from FerretDB, then search scans; from MongoDB, then it uses the text index', () => {
    expect(engineOfBuildInfo({ version: '7.0.77', ferretdbVersion: 'v1.24.0', ok: 1 })).toBe('scan');
    expect(engineOfBuildInfo({ version: '7.0.77', gitVersion: 'FerretDB v1.24.0', ok: 1 })).toBe('scan');
    expect(engineOfBuildInfo({ version: '7.0.14', gitVersion: 'ce59cfc6a3c5e5c067dca0d30697edd68d4f5188', modules: [], ok: 1 })).toBe(
      'text',
    );
  });
});

describe('search input', () => {
  it('when text has regex characters, then the escaped pattern matches exactly that text and nothing else', () => {
    const hostile = 'a.b*(c)+[d]?^$|{2}\\';
    const pattern = new RegExp(escapeRegex(hostile), 'i');
    expect(pattern.test(`x ${hostile} y`)).toBe(true);
    expect(pattern.test('axb(c)d')).toBe(false);
    expect(new RegExp(escapeRegex('.*')).test('anything')).toBe(false);
  });

  it('when text is split into terms, then quotes and leading minus ($text syntax) are dropped, duplicates merged, at most 10 kept', () => {
    expect(searchTerms('  Foo "bar" -baz foo ')).toEqual(['foo', 'bar', 'baz']);
    expect(searchTerms(undefined)).toEqual([]);
    expect(searchTerms('" -- "')).toEqual([]);
    expect(searchTerms(Array.from({ length: 12 }, (_, i) => `w${i}`).join(' '))).toHaveLength(10);
  });
});

describe('search query per engine', () => {
  const base = { guildId: 'g'.repeat(24), channelIds: ['c'.repeat(24)], terms: ['pancake', '5.00(a+b)'] };

  it('when the engine has the text index, then the words are one $text search with every word quoted (all required), and no regex', () => {
    const f = searchFilter(base, 'text');
    expect(f.$text).toEqual({ $search: '"pancake" "5.00(a+b)"' });
    expect(f.$and).toBeUndefined();
    expect(f.channelId).toEqual({ $in: ['c'.repeat(24)] });
  });

  it('when the engine scans, then each word is an escaped case-insensitive regex, AND-ed, and there is no $text', () => {
    const f = searchFilter({ ...base, has: 'link' }, 'scan');
    expect(f.$text).toBeUndefined();
    expect(f.$and).toEqual([
      { content: { $regex: 'https?://', $options: 'i' } },
      { content: { $regex: 'pancake', $options: 'i' } },
      { content: { $regex: '5\\.00\\(a\\+b\\)', $options: 'i' } },
    ]);
  });

  it('when dates and a cursor are given, then they are one _id range (the cursor only narrows it)', () => {
    const after = new Date('2026-01-01T00:00:00.000Z');
    const before = new Date('2026-02-01T00:00:00.000Z');
    const f = searchFilter({ ...base, terms: [], after, before, has: 'attachment' }, 'scan', '0'.repeat(24));
    expect(f._id).toEqual({ $gte: messageIdFloor(new Date(after.getTime() + 1)), $lt: '0'.repeat(24) });
    expect(f['attachments.0']).toEqual({ $exists: true });
    expect(searchFilter({ ...base, before }, 'scan', 'f'.repeat(24))._id).toEqual({ $lt: messageIdFloor(before) });
  });
});

describe('search indexes', () => {
  const fakeDb = (buildInfo: Record<string, unknown>) => {
    const created: unknown[] = [];
    const db = {
      admin: () => ({ command: async () => buildInfo }),
      collection: () => ({
        listIndexes: () => ({ toArray: async () => [] }),
        createIndexes: async (specs: unknown[]) => void created.push(...specs),
      }),
    };
    return { db: db as unknown as Db, created };
  };

  it('when the database is FerretDB, then no text index is ever created; on MongoDB it is', async () => {
    const ferret = fakeDb({ version: '7.0.77', ferretdbVersion: 'v1.24.0' });
    await createSearchRepo(ferret.db).ensureIndexes();
    expect(ferret.created).toEqual([]);
    const mongo = fakeDb({ version: '7.0.14', gitVersion: 'ce59cfc6' });
    await createSearchRepo(mongo.db).ensureIndexes();
    expect(mongo.created).toEqual([expect.objectContaining({ name: 'messages_text', key: { content: 'text' } })]);
  });
});
