// SPDX-License-Identifier: Apache-2.0
import { Logger } from '@nestjs/common';
import type { Stored } from '../../relay/relay-port';
import { CLOSE_NOTICE, GATEWAY_ERROR, gatewayError, INTERNAL_RPC_ERROR, toRpcError } from './gateway-errors';
import { AfterStored, GATEWAY_METHODS, type GatewayMethod, type MethodHost } from './gateway-methods';
import {
  type InvalidRpcMessage,
  parseRpcMessage,
  RPC_TYPE,
  rpcErrorResponse,
  type RpcError,
  type RpcNotificationFrame,
  rpcNotification,
  type RpcRequest,
  type RpcResponseFrame,
  rpcResult,
} from './rpc-message';

/**
 * What one gateway connection does with each decoded message (docs/protocol.md): a request is
 * checked against the connection's phase, run through the method table and answered (an
 * AfterStored result once its frame is stored); anything else gets an `error` notification.
 * Failed logins are counted here; past maxLoginFailures the connection is closed.
 */

/** What the dispatcher needs from its connection. */
export interface DispatchHooks {
  readonly connectionId: string;
  readonly maxLoginFailures: number;
  /** What the method table's handlers may change. */
  readonly host: MethodHost;
  awaitingLogin(): boolean;
  authenticated(): boolean;
  /** Sends a response in request order (see OutboundWriter.answer). */
  answer(response: RpcResponseFrame, stored?: Stored): void;
  send(message: RpcNotificationFrame): void;
  close(reason: string, notice: RpcError): void;
  warn(message: string): void;
}

const MAX_QUOTED_NAME = 64;

export class RequestDispatcher {
  private static readonly logger = new Logger('GatewayConnection');
  private loginFailures = 0;

  constructor(private readonly hooks: DispatchHooks) {}

  /** Handles one message; returns a promise only when its handler is still at work. */
  process(value: unknown): Promise<void> | undefined {
    const message = parseRpcMessage(value);
    if ('invalid' in message) {
      this.rejectInvalid(value, message);
      return undefined;
    }
    switch (message.type) {
      case 'request':
        return this.handleRequest(message);
      case 'response':
        this.sendNotice(
          GATEWAY_ERROR.INVALID_MESSAGE,
          `unexpected response to msgid ${message.msgid}: the server sends no requests`,
        );
        return undefined;
      case 'notification':
        this.sendNotice(
          GATEWAY_ERROR.METHOD_NOT_FOUND,
          `the server takes no notifications; ${quoteName(message.method)} was ignored`,
        );
        return undefined;
    }
  }

  /** A request whose msgid could be read is answered; anything else gets an `error` notification. */
  private rejectInvalid(value: unknown, { invalid, msgid }: InvalidRpcMessage): void {
    const error: RpcError = { code: GATEWAY_ERROR.INVALID_MESSAGE, message: invalid };
    const isRequest = Array.isArray(value) && value[0] === RPC_TYPE.REQUEST;
    if (msgid !== undefined && isRequest) this.hooks.answer(rpcErrorResponse(msgid, error));
    else this.hooks.send(rpcNotification('error', [error]));
  }

  private handleRequest({ msgid, method: name, params }: RpcRequest): Promise<void> | undefined {
    const method = GATEWAY_METHODS.get(name);
    let outcome: unknown;
    try {
      if (!method) throw gatewayError('METHOD_NOT_FOUND', `no method ${quoteName(name)}`);
      this.checkPhase(method);
      outcome = method.handle(this.hooks.host, params);
    } catch (error) {
      this.answerError(msgid, name, error);
      return undefined;
    }
    if (!(outcome instanceof Promise)) {
      this.answerResult(msgid, outcome);
      return undefined;
    }
    return outcome.then(
      (result: unknown) => this.answerResult(msgid, result),
      (error: unknown) => this.answerError(msgid, name, error),
    );
  }

  private answerResult(msgid: number, outcome: unknown): void {
    if (outcome instanceof AfterStored) this.hooks.answer(rpcResult(msgid, outcome.result), outcome.stored);
    else this.hooks.answer(rpcResult(msgid, outcome));
  }

  /** An error response; after too many failed logins, the connection closes. */
  private answerError(msgid: number, name: string, error: unknown): void {
    const response = rpcErrorResponse(msgid, this.describeFailure(error, name));
    if (GATEWAY_METHODS.get(name)?.phase === 'login' && this.hooks.awaitingLogin())
      this.loginFailed(response[2]);
    this.hooks.answer(response);
    if (this.hooks.awaitingLogin() && this.loginFailures >= this.hooks.maxLoginFailures) {
      this.hooks.close('too many failed logins', {
        code: CLOSE_NOTICE.TOO_MANY_LOGIN_FAILURES,
        message: `${this.loginFailures} failed logins`,
      });
    }
  }

  private checkPhase(method: GatewayMethod): void {
    const loggedIn = this.hooks.authenticated();
    if (method.phase === 'session' && !loggedIn) {
      throw gatewayError('LOGIN_REQUIRED', 'call login(apiKey) first');
    }
    if (method.phase === 'login' && loggedIn) {
      throw gatewayError('ALREADY_LOGGED_IN', `already logged in as ${this.hooks.host.actor?.username}`);
    }
  }

  private loginFailed(error: RpcError | null): void {
    this.loginFailures++;
    this.hooks.warn(`login failed (${error?.code}), attempt ${this.loginFailures}`);
  }

  /** DomainErrors are described to the client; anything else is a bug, logged and not described. */
  private describeFailure(error: unknown, method: string): RpcError {
    const described = toRpcError(error);
    if (described) return described;
    RequestDispatcher.logger.error(
      { err: error, connectionId: this.hooks.connectionId, method },
      'unhandled error in a gateway method',
    );
    return INTERNAL_RPC_ERROR;
  }

  private sendNotice(code: string, message: string): void {
    this.hooks.send(rpcNotification('error', [{ code, message }]));
  }
}

/** A method name from the client, quoted unless it is long (it is theirs, of any length). */
function quoteName(name: string): string {
  return name.length <= MAX_QUOTED_NAME ? JSON.stringify(name) : `a ${name.length}-character name`;
}
