import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { precompressDir } from './precompress';

describe('precompressDir', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-precompress-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('when a script is large enough, then brotli and gzip copies decompress to the same bytes', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'assets'));
    const js = `export const words = ${JSON.stringify('the quick brown fox '.repeat(500))};\n`;
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), js);
    precompressDir(dir);
    expect(brotliDecompressSync(readFileSync(join(dir, 'assets', 'index-abc123.js.br'))).toString()).toBe(js);
    expect(gunzipSync(readFileSync(join(dir, 'assets', 'index-abc123.js.gz'))).toString()).toBe(js);
  });

  it('when a file is tiny, already compressed or a source map, then no copies are written', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.js'), 'export {};\n');
    writeFileSync(join(dir, 'icon.png'), Buffer.alloc(4096, 1));
    writeFileSync(join(dir, 'index.js.map'), 'x'.repeat(4096));
    precompressDir(dir);
    for (const name of ['tiny.js', 'icon.png', 'index.js.map']) {
      expect(existsSync(join(dir, `${name}.br`))).toBe(false);
      expect(existsSync(join(dir, `${name}.gz`))).toBe(false);
    }
  });
});
