// SPDX-License-Identifier: Apache-2.0
import { UnauthenticatedError } from './errors';

/** Who is calling, passed first to every service method (never a transport object). */
export type Role = 'OPERATOR' | 'ADMIN';

export interface Actor {
  userId: string;
  username: string;
  role: Role;
  /** Sessions come from a login; API keys belong to station or mission software. */
  via: 'SESSION' | 'API_KEY';
  credentialId: string;
}

export interface RequestContext {
  actor: Actor | null;
  /** Client address, used for throttling and logs. */
  clientAddress: string;
}

export function anonymousContext(clientAddress = 'internal'): RequestContext {
  return { actor: null, clientAddress };
}

/** The caller, or AUTHENTICATION_REQUIRED for an anonymous request. */
export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new UnauthenticatedError('AUTHENTICATION_REQUIRED', 'this call needs a bearer token');
  return ctx.actor;
}
