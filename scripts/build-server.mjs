#!/usr/bin/env node
// Bundles the server (server/src/main.ts) into out/server/main.js and its admin CLI (server/src/admin/main.ts: `npm run
// admin` in the server image) into out/server/admin.js for production: our own code and src-shared are bundled; every
// npm package stays external and must be a runtime `dependency`, so the server runs after
// `npm ci --omit=dev` (the build fails when server code imports a devDependency or an undeclared package).
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = { main: join(root, 'server', 'src', 'main.ts'), admin: join(root, 'server', 'src', 'admin', 'main.ts') };
const outdir = join(root, 'out', 'server');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
const builtins = new Set(builtinModules);

/** `@shared/x` → src-shared/x, resolved like any relative import (extensions, index files). */
const sharedAlias = {
  name: 'shared-alias',
  setup(b) {
    b.onResolve({ filter: /^@shared\// }, (args) =>
      b.resolve(`./${args.path.slice('@shared/'.length)}`, { kind: args.kind, resolveDir: join(root, 'src-shared') }),
    );
  },
};

const packageName = (specifier) => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

const started = Date.now();
const result = await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [sharedAlias],
  // Bundled CommonJS-style code (and some deps' interop) expects `require`, which ESM output lacks.
  banner: {
    js: "import { createRequire as __parleyCreateRequire } from 'node:module';\nconst require = __parleyCreateRequire(import.meta.url);",
  },
}).catch(() => process.exit(1));

const undeclared = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const imported of output.imports) {
    if (!imported.external) continue;
    const name = imported.path.replace(/^node:/, '');
    if (builtins.has(name) || builtins.has(name.split('/')[0])) continue;
    if (!dependencies.has(packageName(imported.path))) undeclared.add(packageName(imported.path));
  }
}
if (undeclared.size > 0) {
  console.error(
    `[build-server] the server imports packages that are not runtime dependencies: ${[...undeclared].join(', ')}.\n` +
      'Move them to "dependencies" in package.json (or stop importing them from server code).',
  );
  process.exit(1);
}
const outputs = Object.keys(entries).map((name) => relative(root, join(outdir, `${name}.js`)));
console.log(`[build-server] ${outputs.join(', ')} in ${Date.now() - started} ms`);
