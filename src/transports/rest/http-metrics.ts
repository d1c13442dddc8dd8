// SPDX-License-Identifier: Apache-2.0
import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from '../../metrics/metrics.service';

/** The route label of a request no route matched (404s, probes): one series, whatever the URL. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Express middleware timing every HTTP request, from its first byte read to the last byte of the
 * answer, labelled by the route's template (`/api/spacecraft/:identifier`), never the raw URL: a
 * label per identifier would grow without bound.
 */
export function httpMetrics(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    response.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      metrics.httpRequest(request.method, routeTemplate(request), response.statusCode, seconds);
    });
    next();
  };
}

/** Nest answers a request no route matched through its catch-all route, `/{*path}`. */
function routeTemplate(request: Request): string {
  const route = request.route as { path?: unknown } | undefined;
  if (typeof route?.path !== 'string' || route.path.includes('*')) return UNMATCHED_ROUTE;
  return request.baseUrl + route.path;
}
