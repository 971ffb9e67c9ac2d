import { describe, expect, it } from 'vitest';
import { normalizeUrl, previewableLinks } from './links';

describe('previewable links of a message', () => {
  it('when a message has bare and masked links, then each is taken once, in order, without fragments', () => {
    expect(previewableLinks('see https://a.example/x#top and [docs](https://b.example/d) and https://a.example/x again')).toEqual([
      'https://a.example/x',
      'https://b.example/d',
    ]);
  });

  it('when a link is written <https://…>, then it is not previewed (Discord behaviour)', () => {
    expect(previewableLinks('no preview: <https://a.example/> but https://b.example/ yes')).toEqual(['https://b.example/']);
  });

  it('when a link is inside inline code or a code block, then it is text, not a link', () => {
    expect(previewableLinks('`https://a.example/` ```\nhttps://b.example/\n``` https://c.example/')).toEqual(['https://c.example/']);
  });

  it('when trailing punctuation follows a link, then it is not part of it (as the client renders it)', () => {
    expect(previewableLinks('look (https://a.example/page).')).toEqual(['https://a.example/page']);
  });

  it('when a message has more than five links, then only the first five are previewed', () => {
    const text = Array.from({ length: 8 }, (_, i) => `https://l${i}.example/`).join(' ');
    expect(previewableLinks(text)).toEqual(Array.from({ length: 5 }, (_, i) => `https://l${i}.example/`));
  });

  it('when a link is not http(s) or sits inside a word, then it is not previewed', () => {
    expect(previewableLinks('[x](javascript:alert(1)) ftp://a.example/ xhttps://b.example/ mailto:a@b.c')).toEqual([]);
  });

  it('when a URL is normalized, then host case and fragments go and other schemes are refused', () => {
    expect(normalizeUrl('HTTPS://Example.COM/Path?q=1#frag')).toBe('https://example.com/Path?q=1');
    expect(normalizeUrl('file:///etc/passwd')).toBeNull();
    expect(normalizeUrl('not a url')).toBeNull();
  });
});
