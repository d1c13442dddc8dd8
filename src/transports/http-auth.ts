// SPDX-License-Identifier: Apache-2.0
import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

/**
 * What the two HTTP transports share about authentication: the public-route marker and the bearer
 * header. The REST guard reads both; the JSON-RPC controller is public and authenticates per call.
 */
const PUBLIC = 'satnet:public';

/** Marks a route callable without a bearer token (register, login, health, /jsonrpc). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);

/** Whether the handler (or its controller) carries `@Public()`. */
export function isPublic(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]) === true;
}

/** The token of `Authorization: Bearer <token or API key>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
