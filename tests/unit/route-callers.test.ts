import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { attachmentRoutes } from '../../src-shared/api/attachments';
import { callRoutes } from '../../src-shared/api/calls';
import { embedRoutes } from '../../src-shared/api/embed';
import { privateChannelRoutes } from '../../src-shared/api/private-channels';
import { recordingRoutes } from '../../src-shared/api/recordings';
import { routes } from '../../src-shared/api/routes';
import { voiceRoutes } from '../../src-shared/api/voice';
import { webhookRoutes } from '../../src-shared/api/webhooks';

/**
 * Every REST route of src-shared/api has a caller in src-renderer, or is listed here with its reason.
 *
 * A route "has a caller" when renderer code (not its tests) names its contract: `routes.<key>`, `voiceRoutes.<key>` or
 * `recordingRoutes.<key>` in an expression, with the object imported from src-shared/api/route-table (or a contract
 * file; aliases are followed), as src-renderer/src/api/parley-api.ts does for every call it makes. The renderer's sources are parsed with
 * TypeScript, so a key named in a comment, a string or only a type (`typeof routes.x`) does not count.
 *
 * Two lists, checked both ways so neither can rot:
 * - DELIBERATE_EXCEPTIONS: routes the client never needs (with the reason).
 * - KNOWN_UNCALLED: routes whose client is not built yet (issue 16: the call routes landed before the call UI). Delete a name here when its caller lands: the test
 *   fails while a listed route has a caller, and when a new route has no caller and is in neither list.
 */

const CONTRACTS = {
  routes,
  voiceRoutes,
  recordingRoutes,
  attachmentRoutes,
  privateChannelRoutes,
  callRoutes,
  embedRoutes,
  webhookRoutes,
} as const;
type ContractObject = keyof typeof CONTRACTS;

/** Routes the client never calls, each with why. */
const DELIBERATE_EXCEPTIONS: Record<string, string> = {
  getGuild: 'guilds reach the client as READY/GUILD_CREATE snapshots and GUILD_UPDATE events; one-guild reads are for API clients',
  getMessage: 'MESSAGE_CREATE/UPDATE carry the whole message and history pages the rest; one-message reads are for API clients',
  listGuildVoiceStates: 'voice presence arrives in the guild snapshots (voiceStates) and VOICE_STATE_UPDATE events',
  listGuildVoiceGuests: "the voice widget's guests arrive in the guild snapshots (voiceGuests) and VOICE_GUEST_UPDATE events",
  getRecording: 'the recording lists and RECORDING_UPDATE events carry the same Recording objects',
  getRecordingFile:
    'needs a Bearer header, which <audio> and download links cannot send: the client uses createRecordingFileTicket + streamRecordingFile; this one is for API clients',
};

/** Routes whose client side is not built yet. Remove each name as its caller lands. */
const KNOWN_UNCALLED: readonly string[] = [];

const ROOT = resolve(import.meta.dirname, '..', '..');
const RENDERER = join(ROOT, 'src-renderer', 'src');

function allRoutes(): string[] {
  const names = [
    ...Object.keys(routes),
    ...Object.keys(voiceRoutes),
    ...Object.keys(recordingRoutes),
    ...Object.keys(attachmentRoutes),
    ...Object.keys(privateChannelRoutes),
    ...Object.keys(callRoutes),
    ...Object.keys(embedRoutes),
    ...Object.keys(webhookRoutes),
  ];
  const duplicates = names.filter((name, i) => names.indexOf(name) !== i);
  if (duplicates.length > 0) throw new Error(`route keys must be unique across the contract files: ${duplicates.join(', ')}`);
  return names;
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

/** `@shared/api/route-table` (what the renderer imports), `@shared/api`, `@shared/api/routes`, `../../src-shared/api/voice.ts`, … */
const CONTRACT_MODULE = /(^@shared|src-shared)\/api(\/(index|routes|voice|recordings|attachments|route-table))?(\.ts)?$/;

/** The route keys a source file names through the contract objects it imports from src-shared/api. */
export function routeKeysNamedIn(fileName: string, text: string): { object: ContractObject; key: string }[] {
  const source = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    false,
    fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const locals = new Map<string, ContractObject>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!CONTRACT_MODULE.test(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      const imported = (element.propertyName ?? element.name).text;
      if (imported in CONTRACTS) locals.set(element.name.text, imported as ContractObject);
    }
  }
  const found: { object: ContractObject; key: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const object = locals.get(node.expression.text);
      if (object) found.push({ object, key: node.name.text });
    } else if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression) && ts.isStringLiteralLike(node.argumentExpression)) {
      const object = locals.get(node.expression.text);
      if (object) found.push({ object, key: node.argumentExpression.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Route key → the renderer files that name it. */
function callers(): Map<string, string[]> {
  const byRoute = new Map<string, string[]>();
  for (const file of rendererSources()) {
    for (const { key } of routeKeysNamedIn(file, readFileSync(file, 'utf8'))) {
      const files = byRoute.get(key) ?? [];
      const rel = relative(ROOT, file);
      if (!files.includes(rel)) files.push(rel);
      byRoute.set(key, files);
    }
  }
  return byRoute;
}

describe('route callers in src-renderer', () => {
  const routeNames = allRoutes();
  const called = callers();

  it('when the renderer names a route contract in code, then the scanner sees it (not in comments, strings, types or other objects)', () => {
    const text = [
      "import { routes as r, type RouteBody } from '@shared/api/index';",
      "import { voiceRoutes } from '@shared/api/route-table';",
      "import { other } from './other';",
      'const a = r.sendMessage; const b = voiceRoutes["joinVoice"]; const c = other.deleteGuild;',
      '// routes.kickMember',
      "const d = 'routes.banMember';",
      'type X = RouteBody<typeof r.login>;',
    ].join('\n');
    expect(routeKeysNamedIn('x.ts', text)).toEqual([
      { object: 'routes', key: 'sendMessage' },
      { object: 'voiceRoutes', key: 'joinVoice' },
    ]);
    // And on the real client: the API client names the routes it calls.
    expect(called.get('sendMessage')).toContain(join('src-renderer', 'src', 'api', 'parley-api.ts'));
  });

  it('when a route has no caller in the renderer, then it is a deliberate exception or known to be unbuilt', () => {
    const missing = routeNames.filter((name) => !called.has(name) && !(name in DELIBERATE_EXCEPTIONS) && !KNOWN_UNCALLED.includes(name));
    expect(missing, 'routes without a caller in src-renderer: call them, or list them in DELIBERATE_EXCEPTIONS with a reason').toEqual([]);
  });

  it('when a route listed as uncalled gains a caller, then it must leave the list', () => {
    const listed = [...KNOWN_UNCALLED, ...Object.keys(DELIBERATE_EXCEPTIONS)];
    const calledAnyway = listed.filter((name) => called.has(name)).map((name) => `${name} (${called.get(name)?.join(', ')})`);
    expect(calledAnyway, 'these routes have callers now: remove them from KNOWN_UNCALLED / DELIBERATE_EXCEPTIONS').toEqual([]);
  });

  it('when the lists name routes, then those routes exist, once, in one list, and every exception gives a reason', () => {
    const listed = [...KNOWN_UNCALLED, ...Object.keys(DELIBERATE_EXCEPTIONS)];
    expect(
      listed.filter((name) => !routeNames.includes(name)),
      'not routes (renamed or deleted?)',
    ).toEqual([]);
    expect(
      listed.filter((name, i) => listed.indexOf(name) !== i),
      'listed twice',
    ).toEqual([]);
    for (const [name, reason] of Object.entries(DELIBERATE_EXCEPTIONS)) expect(reason.length, name).toBeGreaterThan(20);
  });

  it('when the renderer names a route key, then that route exists', () => {
    expect([...called.keys()].filter((key) => !routeNames.includes(key))).toEqual([]);
  });
});
