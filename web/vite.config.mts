// SPDX-License-Identifier: Apache-2.0
// The console is built into dist/console, which the server serves at / (src/transports/console).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// eslint-disable-next-line no-restricted-syntax -- Vite reads a config file's default export.
export default defineConfig({
  root: here,
  base: '/',
  resolve: {
    alias: [
      {
        find: /^satellite\.js$/,
        replacement: fileURLToPath(new URL('./src/orbit/satellite-core.ts', import.meta.url)),
      },
    ],
  },
  // Preact's JSX runtime, without a framework plugin: Vite's own transform is enough for a build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/jsonrpc': 'http://localhost:8080',
      '/ws': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
