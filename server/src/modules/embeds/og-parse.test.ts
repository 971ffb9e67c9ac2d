import { describe, expect, it } from 'vitest';
import { cleanText, parsePageCard } from './og-parse';

describe('page card parser', () => {
  it('when a page has Open Graph tags, then they win over Twitter and plain tags, with entities decoded', () => {
    const html = `<!doctype html><html><head>
      <title>Plain title</title>
      <meta name="description" content="plain description">
      <meta name="twitter:title" content="Twitter title">
      <META PROPERTY="og:title" CONTENT="Fish &amp; Chips &#8212; a guide">
      <meta property="og:description" content="All about &quot;chips&quot;">
      <meta property="og:site_name" content="Food Site">
    </head><body><meta property="og:title" content="body is ignored"></body></html>`;
    expect(parsePageCard(html)).toEqual({
      title: 'Fish & Chips — a guide',
      description: 'All about "chips"',
      siteName: 'Food Site',
    });
  });

  it('when a page has only Twitter or plain tags, then those are used', () => {
    expect(parsePageCard('<head><meta name="twitter:title" content="T"><meta name="twitter:description" content="D"></head>')).toEqual({
      title: 'T',
      description: 'D',
      siteName: null,
    });
    expect(parsePageCard('<head><title>\n  Just   a title \n</title></head>')).toEqual({
      title: 'Just a title',
      description: null,
      siteName: null,
    });
  });

  it('when tags come after the head, or the page has none, then nothing is taken from the body', () => {
    expect(parsePageCard('<html><head></head><body><title>late</title><meta property="og:title" content="late"></body>')).toEqual({
      title: null,
      description: null,
      siteName: null,
    });
    expect(parsePageCard('')).toEqual({ title: null, description: null, siteName: null });
  });

  it('when the text is hostile, then markup stays text, controls and bidi overrides go and lengths are bounded', () => {
    const card = parsePageCard(
      `<head><title><script>alert(1)</script></title><meta property="og:description" content="a\u202Eevil\u0000 ${'x'.repeat(1000)}"></head>`,
    );
    expect(card.title).toBe('<script>alert(1)</script>');
    expect(card.description).not.toContain('\u202E');
    expect(card.description).not.toContain('\u0000');
    expect(card.description!.length).toBe(350);
    expect(card.description!.endsWith('…')).toBe(true);
  });

  it('when a value is only whitespace, then it counts as missing', () => {
    expect(cleanText('  \n\t ', 10)).toBeNull();
    expect(cleanText(undefined, 10)).toBeNull();
  });
});
