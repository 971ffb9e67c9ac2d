import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { MessageMarkdown, type MentionResolver } from './Markdown';
import { isEmojiOnly, parseMarkdown, safeHref } from './parse';
import { createMentionResolver } from './mention-resolver';

const bob = 'b'.repeat(24);
const crew = 'c'.repeat(24);
const quiet = 'd'.repeat(24);
const general = 'e'.repeat(24);
const voice = 'f'.repeat(24);
const guild = '1'.repeat(24);

function resolver(select = vi.fn()): MentionResolver {
  return createMentionResolver({
    guildId: guild,
    mentions: [{ id: bob, displayName: 'Bob (from message)' }],
    mentionRoles: [crew],
    memberById: new Map([[bob, { user: { displayName: 'Bobby' } }]]),
    roleNames: new Map([
      [crew, 'Sound Crew'],
      [quiet, 'Quiet'],
    ]),
    channels: [
      { id: general, name: 'general', type: 'text' },
      { id: voice, name: 'Lounge', type: 'voice' },
    ],
    select,
  });
}

const html = (content: string, r: MentionResolver = resolver()) => renderToStaticMarkup(<MessageMarkdown content={content} resolver={r} />);
/** The rendered markup without the wrapper, for exact comparisons. */
const inner = (content: string) =>
  html(content)
    .replace(/^<span class="markdown[^"]*" dir="auto">/, '')
    .replace(/<\/span>$/, '');

describe('markdown rendering', () => {
  it('when a message uses Discord formatting, then each marker becomes its element', () => {
    expect(inner('**bold** *it* _it2_ __under__ ~~gone~~ `co<de>`')).toBe(
      '<strong>bold</strong> <em>it</em> <em>it2</em> <u>under</u> <s>gone</s> <code class="md-inline-code">co&lt;de&gt;</code>',
    );
    expect(inner('***both***')).toMatch(/<(em|strong)><(strong|em)>both<\/(strong|em)><\/(em|strong)>/);
  });

  it('when a message has a fenced code block, then it is a pre/code with its language and the text untouched (plain until the highlighter loads)', () => {
    const out = inner('look:\n```ts\nconst a = <b>1</b>;\n```\nafter');
    expect(out).toBe('look:\n<pre class="md-code-block" data-lang="ts"><code>const a = &lt;b&gt;1&lt;/b&gt;;</code></pre>after');
    expect(inner('```no language```')).toBe('<pre class="md-code-block"><code>no language</code></pre>');
    // Markdown inside code is not markdown.
    expect(inner('```\n**x** <@' + bob + '>\n```')).toContain('**x** &lt;@' + bob + '&gt;');
  });

  it('when lines start with >, >>>, #, - or 1., then they are quotes, headings and lists; elsewhere they stay text', () => {
    expect(inner('> quoted\n> more\nnot')).toBe('<blockquote class="md-quote">quoted\nmore</blockquote>not');
    expect(inner('>>> all\nthe rest')).toBe('<blockquote class="md-quote">all\nthe rest</blockquote>');
    expect(inner('# Big\n## Mid\n### Small\n#### not')).toBe(
      '<span class="md-heading md-h1">Big</span><span class="md-heading md-h2">Mid</span><span class="md-heading md-h3">Small</span>#### not',
    );
    expect(inner('- one\n- **two**')).toBe('<ul class="md-list"><li>one</li><li><strong>two</strong></li></ul>');
    expect(inner('3. c\n4. d')).toBe('<ol class="md-list" start="3"><li>c</li><li>d</li></ol>');
    expect(inner('a > b # c - d')).toBe('a &gt; b # c - d');
  });

  it('when a message has links, then http(s) and mailto are anchors opening in a new tab without opener or referrer', () => {
    const out = inner('see https://example.com/a?b=1&c=2 or [the docs](https://docs.example.org/x) or <mailto:me@example.com>');
    expect(out).toContain(
      '<a class="md-link" href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer" title="https://example.com/a?b=1&amp;c=2">https://example.com/a?b=1&amp;c=2</a>',
    );
    expect(out).toContain(
      'href="https://docs.example.org/x" target="_blank" rel="noopener noreferrer" title="https://docs.example.org/x">the docs</a>',
    );
    expect(out).toContain('href="mailto:me@example.com"');
  });

  it.each([
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click]( javascript:alert(1))',
    '[click](java\tscript:alert(1))',
    '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[click](vbscript:msgbox(1))',
    '[click](file:///etc/passwd)',
    '<javascript:alert(1)>',
    '<data:text/html,hi>',
    '[click](&#106;avascript:alert(1))',
    '[click](java\u200bscript:alert(1))',
  ])('when a link uses a non-web scheme (%j), then it stays text and no anchor is made', (source) => {
    const out = html(source);
    expect(out).not.toContain('<a');
    expect(out).not.toMatch(/href=/);
    expect(out).toContain('click'.slice(0, source.startsWith('<') ? 0 : 5));
  });

  it('when a message contains HTML or entities, then they are shown as the characters typed', () => {
    expect(inner('<script>alert(1)</script><img src=x onerror=alert(1)>')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    expect(inner('&lt;b&gt; &amp; &#60;i&#62;')).toBe('&amp;lt;b&amp;gt; &amp;amp; &amp;#60;i&amp;#62;');
    expect(html('<b onclick="x">hi</b>')).not.toContain('<b');
  });

  it('when a spoiler is rendered, then it is a focusable button-like span whose content is hidden and inert', () => {
    expect(inner('a ||secret|| b')).toBe(
      'a <span class="md-spoiler" role="button" tabindex="0" aria-label="Spoiler, press to reveal"><span class="md-spoiler-content" aria-hidden="true" inert="">secret</span></span> b',
    );
  });

  it('when spoilers nest or markers are left open, then the output stays well-formed and nothing is lost', () => {
    const nested = inner('||outer ||inner|| still||');
    expect(nested.match(/role="button"/g)?.length).toBe(2);
    expect(nested.replace(/<[^>]+>/g, '')).toBe('outer inner still');
    expect(inner('||spoiler **bold|| rest**')).toContain('**');
    for (const open of ['**never closed', '__open', '||open', '~~open', '`open', '```open', '[text](https://x', '#', '>no space']) {
      expect(
        inner(open)
          .replace(/<[^>]+>/g, '')
          .replace(/&gt;/g, '>'),
      ).toBe(open);
    }
  });

  it('when bidi override characters are in a message, then they are stripped and the element isolates its direction', () => {
    const evil = 'abc\u202Eevil\u202C \u2066x\u2069 \u202Ay\u202B\u202D';
    const out = html(evil);
    expect(out).toMatch(/^<span class="markdown" dir="auto">/);
    expect(out).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(out).toContain('abcevil x y');
    expect(html('```\nif (a\u202E) {}\n```')).not.toMatch(/[\u202A-\u202E]/);
  });

  it('when zero-width characters sit in or around markers, then they are kept as text and break nothing', () => {
    expect(inner('**a\u200bb**')).toBe('<strong>a\u200bb</strong>');
    expect(inner('*\u200b*x')).not.toContain('<a');
    expect(inner('|\u200b|not a spoiler|\u200b|')).not.toContain('md-spoiler');
    // Zero-width joiners in emoji survive (family emoji).
    expect(inner('👨‍👩‍👧')).toBe('👨‍👩‍👧');
  });

  it('when a 4,000-character adversarial message is rendered, then it comes back complete (no catastrophic backtracking)', () => {
    const adversarial = [
      '*'.repeat(4000),
      '_a'.repeat(2000),
      '['.repeat(2000) + ']'.repeat(2000),
      '[a](' + ' '.repeat(3990),
      '~~ '.repeat(1333),
      '||'.repeat(2000),
      '`'.repeat(4000),
      '```' + '\n'.repeat(3994) + 'x',
      '> '.repeat(2000),
      '<@' + 'a'.repeat(3998),
      'http://' + 'a.'.repeat(1996),
      '**a'.repeat(1333),
      '\\'.repeat(4000),
      '[]('.repeat(1333),
      '[a]('.repeat(1000),
      '<'.repeat(4000),
      '* '.repeat(2000),
    ];
    for (const s of adversarial) {
      const out = html(s);
      expect(out.length).toBeGreaterThan(0);
      // What was typed besides formatting markers is still there as text (every character, unless it became a tag).
      const text = out.replace(/<[^>]+>/g, '').replace(/&[a-z]+;/g, '_');
      expect(text.length).toBeGreaterThanOrEqual(s.replace(/[*_~|`\\>[\]( ]/g, '').length);
    }
  });

  it('when a message is only emoji, then it is jumbo; with any text, it is not', () => {
    expect(html('🎉🎉 👍🏽')).toMatch(/^<span class="markdown jumbo"/);
    expect(html('🇫🇷 ❤️ 👨‍👩‍👧')).toMatch(/^<span class="markdown jumbo"/);
    expect(html('nice 🎉')).toMatch(/^<span class="markdown"/);
    expect(isEmojiOnly('123')).toBe(false);
    expect(isEmojiOnly('#')).toBe(false);
    expect(isEmojiOnly('🎉'.repeat(28))).toBe(false);
    expect(isEmojiOnly('   ')).toBe(false);
  });
});

describe('mention resolution', () => {
  it('when a message mentions a member, then their shown name in this guild is used, else the name the server attached, else "unknown"', () => {
    expect(inner(`hi <@${bob}>`)).toBe('hi <span class="mention">@Bobby</span>');
    const r = createMentionResolver({
      guildId: guild,
      mentions: [{ id: bob, displayName: 'Bob (from message)' }],
      mentionRoles: [],
      memberById: new Map(),
      roleNames: new Map(),
      channels: [],
      select: vi.fn(),
    });
    expect(html(`<@${bob}>`, r)).toContain('@Bob (from message)');
    expect(html(`<@${'9'.repeat(24)}>`, r)).toContain('@unknown');
    expect(html(`<@!${bob}>`)).toContain('@Bobby');
  });

  it('when a role is mentioned, then a counted mention gets the pill and an uncounted one only the name', () => {
    expect(inner(`<@&${crew}> <@&${quiet}> <@&${'0'.repeat(24)}>`)).toBe(
      '<span class="mention role">@Sound Crew</span> <span>@Quiet</span> <span>@deleted-role</span>',
    );
  });

  it('when a text or voice channel is mentioned, then it is a button that switches to it (a voice channel to its chat); unknown ones are not clickable', () => {
    expect(inner(`go to <#${general}>`)).toBe('go to <button type="button" class="mention channel md-channel">#general</button>');
    expect(inner(`<#${voice}>`)).toBe('<button type="button" class="mention channel md-channel">#Lounge</button>');
    expect(inner(`<#${'0'.repeat(24)}>`)).toBe('<span class="mention channel">#deleted-channel</span>');
    const select = vi.fn();
    const r = resolver(select);
    r.openChannel(general);
    r.openChannel(voice);
    r.openChannel('0'.repeat(24));
    expect(select.mock.calls).toEqual([
      [guild, general],
      [guild, voice],
    ]);
  });

  it('when mentions sit inside formatting, then they resolve there too; malformed ids stay text', () => {
    expect(inner(`**<@${bob}>**`)).toBe('<strong><span class="mention">@Bobby</span></strong>');
    expect(inner('<@12345>')).toBe('&lt;@12345&gt;');
  });
});

describe('safeHref', () => {
  it('keeps http, https and mailto, normalised by the URL parser', () => {
    expect(safeHref('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
    expect(safeHref('mailto:x@example.com')).toBe('mailto:x@example.com');
  });
  it.each(['javascript:alert(1)', '\u0000javascript:alert(1)', 'data:,x', 'ftp://example.com', 'http://', '/relative', 'example.com'])(
    'refuses %j',
    (u) => {
      expect(safeHref(u)).toBeNull();
    },
  );
});

describe('parse', () => {
  it('produces only node types the renderer knows', () => {
    const known = new Set([
      'text',
      'strong',
      'em',
      'u',
      'del',
      'spoiler',
      'blockQuote',
      'heading',
      'list',
      'inlineCode',
      'codeBlock',
      'link',
      'user',
      'role',
      'channel',
    ]);
    const walk = (nodes: ReturnType<typeof parseMarkdown>): void => {
      for (const n of nodes) {
        expect(known.has(n.type)).toBe(true);
        if ('content' in n && Array.isArray(n.content)) walk(n.content);
      }
    };
    walk(parseMarkdown('# h\n> q\n- l\n**b** ![img](https://x/y.png) [ref][1]\n[1]: https://x\n| a | b |\n|---|---|\n| 1 | 2 |'));
  });
});

describe('code highlighting (the lazy chunk)', () => {
  it('when a named language is highlighted, then the tokens become spans with highlight.js classes and the text is unchanged', async () => {
    const { highlightTree } = await import('./highlight');
    const { hastToReact } = await import('./CodeBlock');
    const tree = highlightTree('ts', 'const a = "<b>"; // hi');
    expect(tree).not.toBeNull();
    const out = renderToStaticMarkup(<code>{hastToReact(tree!)}</code>);
    expect(out).toContain('<span class="hljs-keyword">const</span>');
    expect(out).toContain('<span class="hljs-string">&quot;&lt;b&gt;&quot;</span>');
    expect(out.replace(/<[^>]+>/g, '')).toBe('const a = &quot;&lt;b&gt;&quot;; // hi');
    expect(highlightTree('no-such-language', 'x')).toBeNull();
  });

  it('when the tree holds anything but spans and text, then only plain spans without attributes come out', async () => {
    const { hastToReact } = await import('./CodeBlock');
    const hostile = {
      type: 'root' as const,
      children: [
        { type: 'element' as const, tagName: 'script', properties: {}, children: [{ type: 'text' as const, value: 'alert(1)' }] },
        {
          type: 'element' as const,
          tagName: 'a',
          properties: { href: 'javascript:alert(1)', className: ['evil', 'hljs-title'] },
          children: [{ type: 'text' as const, value: 'x' }],
        },
        {
          type: 'element' as const,
          tagName: 'span',
          properties: { className: ['hljs-keyword', 'x" onclick="y'], onclick: 'y' },
          children: [{ type: 'text' as const, value: 'k' }],
        },
      ],
    };
    expect(renderToStaticMarkup(<code>{hastToReact(hostile)}</code>)).toBe(
      '<code><span>alert(1)</span><span>x</span><span class="hljs-keyword">k</span></code>',
    );
  });
});
