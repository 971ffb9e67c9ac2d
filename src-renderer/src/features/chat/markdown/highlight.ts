import type { ElementContent, Root } from 'hast';
import { common, createLowlight } from 'lowlight';
import { createElement, type ReactNode } from 'react';

/**
 * Loaded lazily by CodeBlock (keep every import of this file dynamic): lowlight with highlight.js's common grammars.
 * lowlight returns a hast tree of <span class="hljs-…"> and text; we turn it into React elements ourselves, keeping
 * only spans and their class names, so no HTML string is ever produced or injected.
 */
const lowlight = createLowlight(common);

/** Common names people type after ``` that highlight.js knows under another name. */
const ALIASES: Record<string, string> = { ts: 'typescript', js: 'javascript', py: 'python', sh: 'bash', shell: 'bash', yml: 'yaml', md: 'markdown', rs: 'rust' };

export function highlightToReact(lang: string, code: string): ReactNode | null {
  const name = ALIASES[lang] ?? lang;
  if (!lowlight.registered(name)) return null;
  const tree: Root = lowlight.highlight(name, code);
  return tree.children.map((child, i) => toReact(child as ElementContent, i));
}

function toReact(node: ElementContent, key: number): ReactNode {
  if (node.type === 'text') return node.value;
  if (node.type !== 'element') return null;
  const cls = node.properties.className;
  const className = Array.isArray(cls) ? cls.filter((c) => typeof c === 'string' && /^hljs-[\w-]+$|^[\w-]+_$/.test(c)).join(' ') : undefined;
  return createElement('span', { key, className }, ...node.children.map((c, i) => toReact(c, i)));
}
