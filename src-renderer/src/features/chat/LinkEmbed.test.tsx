import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LinkEmbeds } from './LinkEmbed';
import { msg } from './test-fixtures';

const embed = { url: 'https://news.example/a', title: 'A <b>story</b>', description: 'What happened', siteName: 'News' };

describe('link previews under a message', () => {
  it('when a message has a preview, then its site, linked title and description show as text', () => {
    const html = renderToStaticMarkup(<LinkEmbeds message={msg(1, { embeds: [embed] })} onRemove={null} />);
    expect(html).toContain('>News<');
    expect(html).toContain('href="https://news.example/a"');
    expect(html).toContain('A &lt;b&gt;story&lt;/b&gt;');
    expect(html).toContain('What happened');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('Remove link previews');
  });

  it('when the viewer may remove previews, then the labelled button shows; when suppressed or empty, nothing shows', () => {
    expect(renderToStaticMarkup(<LinkEmbeds message={msg(1, { embeds: [embed] })} onRemove={async () => undefined} />)).toContain(
      'aria-label="Remove link previews"',
    );
    expect(
      renderToStaticMarkup(<LinkEmbeds message={msg(1, { embeds: [embed], suppressEmbeds: true })} onRemove={async () => undefined} />),
    ).toBe('');
    expect(renderToStaticMarkup(<LinkEmbeds message={msg(1)} onRemove={async () => undefined} />)).toBe('');
  });

  it('when a preview URL is not http(s), then the title stays plain text', () => {
    const html = renderToStaticMarkup(
      <LinkEmbeds message={msg(1, { embeds: [{ ...embed, url: 'javascript:alert(1)' }] })} onRemove={null} />,
    );
    expect(html).not.toContain('href=');
    expect(html).toContain('A &lt;b&gt;story&lt;/b&gt;');
  });
});
