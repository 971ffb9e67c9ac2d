import { useEffect, useState, type ReactNode } from 'react';
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
        const tree = h.highlightToReact(lang, code);
        if (live && tree) setHighlighted({ key, tree });
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
