import type { Root } from 'hast';
import { common, createLowlight } from 'lowlight';

/**
 * Loaded lazily by CodeBlock (keep every import of this file dynamic): lowlight with highlight.js's common grammars.
 * Returns lowlight's syntax tree (hast: <span class="hljs-…"> and text); CodeBlock turns it into React elements, so
 * no HTML string is ever produced. This chunk imports nothing from React.
 */
const lowlight = createLowlight(common);

/** Common names people type after ``` that highlight.js knows under another name. */
const ALIASES: Record<string, string> = {
  ts: 'typescript',
  js: 'javascript',
  py: 'python',
  sh: 'bash',
  shell: 'bash',
  yml: 'yaml',
  md: 'markdown',
  rs: 'rust',
};

export function highlightTree(lang: string, code: string): Root | null {
  const name = ALIASES[lang] ?? lang;
  if (!lowlight.registered(name)) return null;
  return lowlight.highlight(name, code);
}
