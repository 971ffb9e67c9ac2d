import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './scripts/build/precompress.ts';

/**
 * The same renderer, built as a plain web app that the server serves at /app. `base` is absolute, so the asset URLs in
 * index.html resolve the same from `/app`, `/app/` and any client route below it. Assets get content hashes in their
 * names (Vite's default `assets/[name]-[hash].js`), which lets the server cache them forever; every compressible file
 * gets brotli and gzip copies next to it. embed.html is the voice widget's page (see server/src/modules/embed).
 */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: '/app/',
  plugins: [react(), precompress()],
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src-shared') } },
  build: {
    outDir: resolve(import.meta.dirname, 'out/web'),
    emptyOutDir: true,
    sourcemap: true,
    // The voice widget (/embed/voice/:channelId, served by the server with its own frame-ancestors) is a second page
    // with its own small script: livekit-client, no React.
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'src-renderer/index.html'),
        embed: resolve(import.meta.dirname, 'src-renderer/embed.html'),
      },
    },
  },
});
