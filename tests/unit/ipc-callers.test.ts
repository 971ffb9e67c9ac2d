import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { eventChannels, invokeChannels, listenerPath, methodPath } from '../../src-shared/ipc/channels';

/**
 * Every channel and event of the desktop IPC contract (src-shared/ipc/channels.ts + contract.ts) has a renderer caller,
 * or is listed here with its reason.
 *
 * The renderer reaches the bridge only through src-renderer/src/platform/platform.ts. A channel "has a caller" when
 * that file names its bridge member in code on the bridge object: `b.settings.update(…)` for `settings:update`,
 * `b.ptt.onState(…)` for the `ptt:state` event, where `b` holds `bridge()` / `window.parley`. The file is parsed with
 * TypeScript, so a member named in a comment, a string or a type does not count. Checked both ways: an uncalled channel
 * fails unless excepted, and an exception that gains a caller (or names no channel) fails too.
 */

/** Channels the renderer deliberately never uses, each with why. Keep it short: a channel nobody calls is deleted. */
const DELIBERATE_EXCEPTIONS: Record<string, string> = {};

const ROOT = resolve(import.meta.dirname, '..', '..');
const RENDERER = join(ROOT, 'src-renderer', 'src');
const PLATFORM = join(RENDERER, 'platform', 'platform.ts');

const parse = (fileName: string, text: string): ts.SourceFile =>
  ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);

/** `window.parley` (also `globalThis.parley`, `window['parley']`). */
function isBridgeGlobal(node: ts.Node): boolean {
  if (ts.isPropertyAccessExpression(node))
    return node.name.text === 'parley' && ts.isIdentifier(node.expression) && /^(window|globalThis|self)$/.test(node.expression.text);
  if (ts.isElementAccessExpression(node))
    return (
      ts.isStringLiteralLike(node.argumentExpression) &&
      node.argumentExpression.text === 'parley' &&
      ts.isIdentifier(node.expression) &&
      /^(window|globalThis|self)$/.test(node.expression.text)
    );
  return false;
}

/** Strips `x ?? y`, `(x)`, `x!`, `x as T` down to the left-most value expression. */
function core(node: ts.Expression): ts.Expression {
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) return core(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) return core(node.left);
  return node;
}

/**
 * The bridge members (`domain.member`) a source file uses. Bridge holders are `window.parley` itself, functions that
 * return it (`function bridge() { return window.parley ?? null }`), and variables initialised from either.
 */
export function bridgeMembersUsedIn(fileName: string, text: string): string[] {
  const source = parse(fileName, text);
  const bridgeFunctions = new Set<string>();
  const holders = new Set<string>();
  const isBridgeValue = (expr: ts.Expression): boolean => {
    const c = core(expr);
    if (isBridgeGlobal(c)) return true;
    if (ts.isIdentifier(c)) return holders.has(c.text);
    return ts.isCallExpression(c) && ts.isIdentifier(c.expression) && bridgeFunctions.has(c.expression.text);
  };
  const collect = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name && node.body) {
      const returnsBridge = node.body.statements.some(
        (s) => ts.isReturnStatement(s) && s.expression !== undefined && isBridgeValue(s.expression),
      );
      if (returnsBridge) bridgeFunctions.add(node.name.text);
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && isBridgeValue(node.initializer))
      holders.add(node.name.text);
    ts.forEachChild(node, collect);
  };
  // Twice: a holder may be declared from a function declared further down.
  collect(source);
  collect(source);

  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    // <bridge>.<domain>.<member>
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      isBridgeValue(node.expression.expression)
    ) {
      found.push(`${node.expression.name.text}.${node.name.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function rendererSources(dir = RENDERER): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...rendererSources(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Bridge member (`settings.update`, `ptt.onState`) → its channel. */
const memberToChannel = new Map<string, string>([
  ...invokeChannels.map((c) => [methodPath(c).join('.'), c] as [string, string]),
  ...eventChannels.map((c) => [listenerPath(c).join('.'), c] as [string, string]),
]);
const allChannels = [...invokeChannels, ...eventChannels] as string[];

describe('IPC channels have renderer callers', () => {
  const used = bridgeMembersUsedIn(PLATFORM, readFileSync(PLATFORM, 'utf8'));
  const called = new Set(used.map((m) => memberToChannel.get(m)).filter((c): c is string => c !== undefined));

  it('when code names a bridge member, then the scanner sees it (not in comments, strings, types or other objects)', () => {
    const text = [
      "import type { ParleyBridge } from '@shared/ipc/contract';",
      'function bridge(): ParleyBridge | null { return window.parley ?? null; }',
      'const b = bridge();',
      'const direct = window.parley;',
      'b!.settings.update({}); direct?.ptt.onState(() => {}); window.parley?.app.getInfo();',
      'other.voice.reportState(); // b.media.getMicrophoneAccess',
      "const s = 'b.notifications.showMention';",
      "type T = ParleyBridge['deeplink']['onOpen'];",
    ].join('\n');
    expect(bridgeMembersUsedIn('x.ts', text)).toEqual(['settings.update', 'ptt.onState', 'app.getInfo']);
    // And on the real file: the platform layer reports the voice state.
    expect(called.has('voice:report-state')).toBe(true);
  });

  it('when a channel or event has no caller in platform.ts, then it is a deliberate exception (else call it or delete it)', () => {
    const missing = allChannels.filter((c) => !called.has(c) && !(c in DELIBERATE_EXCEPTIONS));
    expect(missing, 'IPC channels without a renderer caller: call them from platform.ts, or delete them from the contract').toEqual([]);
  });

  it('when platform.ts names a bridge member, then it is a channel of the contract', () => {
    expect(used.filter((m) => !memberToChannel.has(m))).toEqual([]);
  });

  it('when an exception is listed, then it is a channel, still uncalled, with a reason', () => {
    for (const [channel, reason] of Object.entries(DELIBERATE_EXCEPTIONS)) {
      expect(allChannels, channel).toContain(channel);
      expect(called.has(channel), `${channel} has a caller now: remove it from DELIBERATE_EXCEPTIONS`).toBe(false);
      expect(reason.length, channel).toBeGreaterThan(20);
    }
  });

  it('when renderer code outside platform/ touches window.parley, then the test fails (platform.ts is the only door)', () => {
    const offenders: string[] = [];
    for (const file of rendererSources()) {
      if (file === PLATFORM) continue;
      const source = parse(file, readFileSync(file, 'utf8'));
      const visit = (node: ts.Node): void => {
        if (isBridgeGlobal(node)) offenders.push(relative(ROOT, file));
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(offenders).toEqual([]);
  });
});
