import { describe, expect, it } from 'vitest';
import { engineOfBuildInfo, escapeRegex, searchTerms } from './search.repo';

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
