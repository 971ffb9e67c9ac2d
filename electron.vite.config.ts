import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const shared = resolve(__dirname, 'src-shared');

export default defineConfig({
  main: {
    resolve: { alias: { '@shared': shared } },
    build: {
      outDir: 'out/main',
      lib: { entry: resolve(__dirname, 'src-main/index.ts'), formats: ['es'] },
    },
  },
  preload: {
    resolve: { alias: { '@shared': shared } },
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot be ES modules: emit CommonJS.
      lib: { entry: resolve(__dirname, 'src-preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
      // The sandboxed preload may only require 'electron', so everything else is bundled in.
      externalizeDeps: false,
      rollupOptions: { external: ['electron'] },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    resolve: { alias: { '@shared': shared } },
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});
