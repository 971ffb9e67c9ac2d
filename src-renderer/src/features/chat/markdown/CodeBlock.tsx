import type { ElementContent, Root } from 'hast';
import { createElement, useEffect, useState, type ReactNode } from 'react';
// Type-only: erased at build time, so the highlighter stays out of the initial bundle.
import type * as HighlightModule from './highlight';

type Highlighter = typeof HighlightModule;
let loading: Promise<Highlighter> | null = null;
/** The highlighter (lowlight + its common grammars) is its own chunk, fetched the first time a code block shows. */
const loadHighlighter = (): Promise<Highlighter> => (loading ??= import('./highlight'));

/**
 * A fenced code block. Plain monospace first; once the lazy highlighter has loaded, the same text as highlight.js
 * token spans (built as React elements from lowlight's syntax tree, never an HTML string). Only a named language is
 * highlighted, as in Discord: guessing would run every grammar over every block.
 */
export function CodeBlock({ lang, code }: { lang: string | null; code: string }) {
  const [highlighted, setHighlighted] = useState<{ key: string; tree: ReactNode } | null>(null);
  const key = `${lang ?? ''}\u0000${code}`;
  useEffect(() => {
    if (!lang) return;
    let live = true;
    loadHighlighter()
      .then((h) => {
        const tree = h.highlightTree(lang, code);
        if (live && tree) setHighlighted({ key, tree: hastToReact(tree) });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [lang, code, key]);
  const tree = highlighted?.key === key ? highlighted.tree : null;
  return (
    <pre className="md-code-block" data-lang={lang ?? undefined} data-highlighted={tree ? 'true' : undefined}>
      <code className={tree ? 'hljs' : undefined}>{tree ?? code}</code>
    </pre>
  );
}

/** Only spans with highlight.js class names, and text: anything else in the tree is dropped. */
export function hastToReact(tree: Root): ReactNode[] {
  return tree.children.map((child, i) => toReact(child as ElementContent, i));
}

function toReact(node: ElementContent, key: number): ReactNode {
  if (node.type === 'text') return node.value;
  if (node.type !== 'element') return null;
  const cls = node.properties.className;
  const className = Array.isArray(cls)
    ? cls.filter((c) => typeof c === 'string' && /^hljs-[\w-]+$|^[\w-]+_$/.test(c)).join(' ')
    : undefined;
  const children = node.children.map((c, i) => toReact(c, i));
  return node.tagName === 'span' ? createElement('span', { key, className }, ...children) : createElement('span', { key }, ...children);
}
