// SPDX-License-Identifier: Apache-2.0
import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { bearerToken, Public } from '../http-auth';
import { JsonRpcDispatcher } from './json-rpc-dispatcher';
import { JsonRpcThrottleFilter } from './json-rpc-throttle.filter';

const JSON_RPC_REQUEST = {
  type: 'object',
  required: ['jsonrpc', 'method'],
  properties: {
    jsonrpc: { type: 'string', enum: ['2.0'] },
    id: {
      oneOf: [{ type: 'string' }, { type: 'number' }],
      nullable: true,
      description: 'absent: a notification',
    },
    method: { type: 'string', example: 'get_configuration' },
    params: { oneOf: [{ type: 'object' }, { type: 'array' }], example: { identifier: 'VigoGS' } },
  },
};

const JSON_RPC_RESPONSE = {
  type: 'object',
  required: ['jsonrpc', 'id'],
  properties: {
    jsonrpc: { type: 'string', enum: ['2.0'] },
    id: { oneOf: [{ type: 'string' }, { type: 'number' }], nullable: true },
    result: { description: "the method's answer (absent on error)" },
    error: {
      type: 'object',
      properties: {
        code: { type: 'integer', example: -32602 },
        message: { type: 'string' },
        data: { type: 'object', properties: { code: { type: 'string', example: 'VALIDATION_FAILED' } } },
      },
    },
  },
};

/** POST /jsonrpc: the body arrives as raw text so malformed JSON becomes a -32700, not an HTTP 400. */
@ApiTags('json-rpc')
@UseFilters(JsonRpcThrottleFilter)
@Controller('jsonrpc')
export class JsonRpcController {
  constructor(private readonly dispatcher: JsonRpcDispatcher) {}

  @ApiOperation({
    summary: 'JSON-RPC 2.0: the Annex D methods and the account methods (system.listMethods lists them)',
    description:
      'Every JSON-RPC answer, errors included, comes with HTTP 200 (204 when nothing is to be answered). ' +
      'Errors carry a JSON-RPC code and data.code, the same codes as REST (docs/api.md, "Errors").',
  })
  @ApiBody({ schema: JSON_RPC_REQUEST })
  @ApiResponse({
    status: 200,
    description: 'a response, or an array of them for a batch',
    schema: JSON_RPC_RESPONSE,
  })
  @ApiResponse({ status: 204, description: 'only notifications were sent: nothing to answer' })
  @ApiResponse({
    status: 413,
    description: '`PAYLOAD_TOO_LARGE` (-32600, id null): the body is over 1 MiB',
    schema: JSON_RPC_RESPONSE,
  })
  @ApiResponse({
    status: 429,
    description:
      '`TOO_MANY_REQUESTS` (-32029, id null, `Retry-After`): the HTTP rate limit (docs/api.md, "Limits")',
    schema: JSON_RPC_RESPONSE,
  })
  @ApiResponse({
    status: 415,
    description: '`UNSUPPORTED_MEDIA_TYPE` (-32600, id null): a Content-Encoding or an unknown charset',
    schema: JSON_RPC_RESPONSE,
  })
  @Public()
  @Post()
  @HttpCode(200)
  async call(@Req() request: Request, @Res() response: Response): Promise<void> {
    const body = typeof request.body === 'string' ? request.body : '';
    const reply = await this.dispatcher.handle(body, {
      bearerToken: bearerToken(request.headers.authorization),
      clientAddress: request.ip ?? 'unknown',
    });
    if (reply === null) response.status(204).end();
    else response.json(reply);
  }
}
