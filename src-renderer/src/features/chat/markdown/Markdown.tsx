import { Fragment, memo, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { CodeBlock } from './CodeBlock';
import { ExternalLink } from './ExternalLink';
import { BIDI_CONTROLS, isEmojiOnly, parseMarkdown, safeHref, type MdNode } from './parse';
import './markdown.css';

/** How a message's mentions resolve to names; built by the message row from the guild's stores. */
export interface MentionResolver {
  /** The member's shown name, or null when unknown (then "unknown"). */
  userName(id: string): string | null;
  /** The role's name (null when deleted) and whether the server counted the mention (then it gets the pill). */
  role(id: string): { name: string | null; pill: boolean };
  /** A text channel of this guild, or null (deleted, another guild, or a voice channel). */
  channel(id: string): { name: string } | null;
  openChannel(id: string): void;
}

/**
 * A message body: Discord-flavoured markdown rendered as React elements. Text only ever becomes React text children
 * (escaped by React), links only get an href that passed safeHref, and there is no dangerouslySetInnerHTML.
 *
 * Bidi controls (U+202A–U+202E, U+2066–U+2069) are stripped from the source before parsing: an override inside a
 * message (or a code block: "Trojan Source") could otherwise reorder what follows it. The element carries
 * dir="auto" too, so an Arabic or Hebrew message still lays out right-to-left without controls.
 */
export const MessageMarkdown = memo(function MessageMarkdown({ content, resolver }: { content: string; resolver: MentionResolver }) {
  const clean = useMemo(() => content.replace(BIDI_CONTROLS, ''), [content]);
  const nodes = useMemo(() => parseMarkdown(clean), [clean]);
  const jumbo = useMemo(() => isEmojiOnly(clean), [clean]);
  return (
    <span className={`markdown${jumbo ? ' jumbo' : ''}`} dir="auto">
      {renderNodes(nodes, resolver)}
    </span>
  );
});

export function renderNodes(nodes: MdNode[], r: MentionResolver): ReactNode[] {
  return nodes.map((n, i) => <Fragment key={i}>{renderNode(n, r)}</Fragment>);
}

function renderNode(n: MdNode, r: MentionResolver): ReactNode {
  switch (n.type) {
    case 'text':
      return n.content;
    case 'strong':
      return <strong>{renderNodes(n.content, r)}</strong>;
    case 'em':
      return <em>{renderNodes(n.content, r)}</em>;
    case 'u':
      return <u>{renderNodes(n.content, r)}</u>;
    case 'del':
      return <s>{renderNodes(n.content, r)}</s>;
    case 'spoiler':
      return <Spoiler>{renderNodes(n.content, r)}</Spoiler>;
    case 'blockQuote':
      return <blockquote className="md-quote">{renderNodes(n.content, r)}</blockquote>;
    case 'heading': {
      // Styled, not <h1>–<h3>: a heading inside a message would break the page's own heading outline.
      return <span className={`md-heading md-h${n.level}`}>{renderNodes(n.content, r)}</span>;
    }
    case 'list': {
      const items = n.items.map((item, i) => <li key={i}>{renderNodes(item, r)}</li>);
      return n.ordered ? (
        <ol className="md-list" start={n.start}>
          {items}
        </ol>
      ) : (
        <ul className="md-list">{items}</ul>
      );
    }
    case 'inlineCode':
      return <code className="md-inline-code">{n.content}</code>;
    case 'codeBlock':
      return <CodeBlock lang={n.lang} code={n.content} />;
    case 'link': {
      const href = safeHref(n.target);
      // Any other scheme (javascript:, data:, vbscript:, file:, …) stays exactly the text that was typed.
      if (!href) return n.raw;
      return <ExternalLink href={href}>{renderNodes(n.content, r)}</ExternalLink>;
    }
    case 'user':
      return <span className="mention">@{r.userName(n.id) ?? 'unknown'}</span>;
    case 'role': {
      const role = r.role(n.id);
      // A role mention the server did not count (not mentionable) still shows the name, without the pill.
      return <span className={role.pill ? 'mention role' : undefined}>@{role.name ?? 'deleted-role'}</span>;
    }
    case 'channel': {
      const channel = r.channel(n.id);
      if (!channel) return <span className="mention channel">#deleted-channel</span>;
      return (
        <button type="button" className="mention channel md-channel" onClick={() => r.openChannel(n.id)}>
          #{channel.name}
        </button>
      );
    }
  }
}

/**
 * ||hidden|| text: a button-like span (it may hold links or code, which a real <button> may not) until revealed by
 * click, Enter or Space. While hidden its content is aria-hidden and inert, so neither a screen reader nor Tab reaches
 * what it hides.
 */
function Spoiler({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(false);
  if (shown) return <span className="md-spoiler shown">{children}</span>;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setShown(true);
    }
  };
  return (
    <span
      className="md-spoiler"
      role="button"
      tabIndex={0}
      aria-label="Spoiler, press to reveal"
      onClick={() => setShown(true)}
      onKeyDown={onKeyDown}
    >
      <span className="md-spoiler-content" aria-hidden="true" inert>
        {children}
      </span>
    </span>
  );
}
