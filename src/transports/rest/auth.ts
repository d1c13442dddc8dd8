// SPDX-License-Identifier: Apache-2.0
import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AccountsService } from '../../accounts/accounts.service';
import { UnauthenticatedError } from '../../common/errors';
import type { Actor, RequestContext } from '../../common/request-context';
import { bearerToken, isPublic } from '../http-auth';

type AuthenticatedRequest = Request & { actor?: Actor };

/** Reads `Authorization: Bearer <token or API key>` on every non-public route. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accounts: AccountsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublic(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token)
      throw new UnauthenticatedError('AUTHENTICATION_REQUIRED', 'send "Authorization: Bearer <token>"');
    request.actor = await this.accounts.authenticate(token);
    return true;
  }
}

export function requestContext(request: Request & { actor?: Actor }): RequestContext {
  return { actor: request.actor ?? null, clientAddress: request.ip ?? 'unknown' };
}

/** The caller as a service sees it. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext =>
  requestContext(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
