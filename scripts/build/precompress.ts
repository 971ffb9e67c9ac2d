/**
 * Precompression of the web build: next to every compressible file of out/web, a `.br` (brotli, quality 11) and a
 * `.gz` (gzip, level 9) copy, which the server sends to clients that accept them (server/src/http/web-client.ts).
 * Done once at build time, so the server never compresses per request and can use the slowest, smallest settings.
 * node:zlib only: no compression dependency.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Text formats worth compressing; images (png, woff2…) are compressed already. Source maps are left to the tools that want them. */
export const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt', '.wasm']);
/** Below this, a compressed copy saves less than its extra response headers cost. */
export const MIN_BYTES = 1024;

export interface PrecompressResult {
  file: string;
  bytes: number;
  br: number | null;
  gz: number | null;
}

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** Writes `<file>.br` and `<file>.gz` for each compressible file of `dir`, each only where it is smaller than the original. */
export function precompressDir(dir: string): PrecompressResult[] {
  const results: PrecompressResult[] = [];
  for (const file of [...files(dir)]) {
    if (!COMPRESSIBLE.has(extname(file))) continue;
    const bytes = statSync(file).size;
    if (bytes < MIN_BYTES) continue;
    const data = readFileSync(file);
    const br = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    });
    const gz = gzipSync(data, { level: 9 });
    const result: PrecompressResult = { file, bytes, br: null, gz: null };
    if (br.length < bytes) {
      writeFileSync(`${file}.br`, br);
      result.br = br.length;
    }
    if (gz.length < bytes) {
      writeFileSync(`${file}.gz`, gz);
      result.gz = gz.length;
    }
    results.push(result);
  }
  return results;
}

/** Vite plugin: precompresses the output directory once the bundle (and the copied public files) are written. */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'parley:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      // Also called when the build failed, before anything was written.
      if (existsSync(outDir)) precompressDir(outDir);
    },
  };
}
