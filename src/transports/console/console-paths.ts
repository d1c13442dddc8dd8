// SPDX-License-Identifier: Apache-2.0
/**
 * Which requests the web console's single-page fallback may answer with its index.html: a page
 * the browser navigates to (GET or HEAD asking for HTML) outside every server route, so a typo in
 * an API path still gets the API's JSON 404 and never the console.
 */
export const SERVER_PATH_PREFIXES = ['/api', '/jsonrpc', '/ws', '/health', '/metrics', '/docs'] as const;

export function isServerPath(path: string): boolean {
  const lower = path.toLowerCase();
  return SERVER_PATH_PREFIXES.some((prefix) => lower === prefix || lower.startsWith(prefix + '/'));
}

export function wantsConsolePage(method: string, path: string, accept: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (isServerPath(path)) return false;
  // A missing asset (/assets/app-123.js) stays a 404 instead of an HTML page parsed as script.
  if (/\.[A-Za-z0-9]+$/.test(path)) return false;
  return (accept ?? '').includes('text/html');
}
