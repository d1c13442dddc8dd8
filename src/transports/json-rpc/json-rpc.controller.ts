import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { bearerToken, Public } from '../http-auth';
import { JsonRpcDispatcher } from './json-rpc-dispatcher';

/** POST /jsonrpc: the body arrives as raw text so malformed JSON becomes a -32700, not an HTTP 400. */
@ApiTags('json-rpc')
@Controller('jsonrpc')
export class JsonRpcController {
  constructor(private readonly dispatcher: JsonRpcDispatcher) {}

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
