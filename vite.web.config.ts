import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The same renderer, built as a plain web app that the server serves at /app. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: '/app/',
  plugins: [react()],
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src-shared') } },
  build: { outDir: resolve(import.meta.dirname, 'out/web'), emptyOutDir: true, sourcemap: true },
});
