// SPDX-License-Identifier: Apache-2.0
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type RequestHandler, Router, static as serveStatic } from 'express';
import { isServerPath, wantsConsolePage } from './console-paths';

/**
 * Serves the built web console (web/, built into `consoleDir`) at `/`: its files, and index.html
 * for any page the browser navigates to outside the server's routes (the console routes itself).
 * Without a build, `/` says how to make one instead of a bare 404.
 */
export function consoleHandler(consoleDir: string): RequestHandler {
  const root = resolve(consoleDir);
  const index = resolve(root, 'index.html');
  const router = Router();
  // Hashed assets never change; index.html must be re-read so a new build is picked up at once.
  const files = serveStatic(root, {
    index: false,
    setHeaders: (response, path) =>
      response.setHeader(
        'cache-control',
        path === index ? 'no-cache' : 'public, max-age=31536000, immutable',
      ),
  });
  router.use((request, response, next) =>
    isServerPath(request.path) ? next() : files(request, response, next),
  );
  router.use((request, response, next) => {
    if (!wantsConsolePage(request.method, request.path, request.headers.accept)) return next();
    if (!existsSync(index)) {
      response
        .status(404)
        .type('text/plain')
        .send(`The web console is not built (no ${index}): run \`npm run build\`.\n`);
      return;
    }
    response.setHeader('cache-control', 'no-cache');
    response.sendFile(index);
  });
  return router;
}
