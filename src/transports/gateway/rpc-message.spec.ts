// SPDX-License-Identifier: Apache-2.0
import { encodeFrame, FrameDecoder } from './frame-codec';
import {
  isMsgid,
  parseRpcMessage,
  rpcErrorResponse,
  rpcNotification,
  rpcRequest,
  rpcResult,
  type RpcMessage,
} from './rpc-message';

const data = Buffer.from([0xca, 0xfe]);

describe('constructors', () => {
  it('build the msgpack-RPC arrays', () => {
    expect(rpcRequest(7, 'sendMsg', [data, 1_700_000_000_000])).toEqual([
      0,
      7,
      'sendMsg',
      [data, 1_700_000_000_000],
    ]);
    expect(rpcResult(7, { ok: true })).toEqual([1, 7, null, { ok: true }]);
    expect(rpcNotification('notifyEvent', [-4])).toEqual([2, 'notifyEvent', [-4]]);
  });

  it('send an undefined result as nil', () => {
    expect(rpcResult(1, undefined)).toEqual([1, 1, null, null]);
  });

  it('build an error response with nil result, and no data key unless there is data', () => {
    const response = rpcErrorResponse(3, { code: 'TOO_EARLY', message: 'not yet' });
    expect(response).toEqual([1, 3, { code: 'TOO_EARLY', message: 'not yet' }, null]);
    expect(Object.keys(response[2] ?? {})).toEqual(['code', 'message']);
    expect(rpcErrorResponse(3, { code: 'BAD_CRC', message: 'm', data: { rule: 'BAD_CRC' } })[2]).toEqual({
      code: 'BAD_CRC',
      message: 'm',
      data: { rule: 'BAD_CRC' },
    });
  });

  it.each([-1, 2 ** 32, 1.5, Number.NaN])('refuse msgid %p', (msgid) => {
    expect(() => rpcRequest(msgid, 'login', [])).toThrow(/msgid must be an unsigned 32-bit integer/);
    expect(() => rpcResult(msgid, null)).toThrow(RangeError);
    expect(() => rpcErrorResponse(msgid, { code: 'X', message: 'x' })).toThrow(RangeError);
  });

  it('accept the msgid bounds 0 and 2^32 - 1', () => {
    expect(isMsgid(0)).toBe(true);
    expect(isMsgid(0xffffffff)).toBe(true);
    expect(isMsgid(0x100000000)).toBe(false);
    expect(isMsgid('1')).toBe(false);
  });
});

describe('parseRpcMessage: well-formed messages', () => {
  it('parses a request', () => {
    expect(parseRpcMessage([0, 42, 'startRemote', [17]])).toEqual({
      type: 'request',
      msgid: 42,
      method: 'startRemote',
      params: [17],
    });
  });

  it('parses a request with no params', () => {
    expect(parseRpcMessage([0, 0, 'endRemote', []])).toMatchObject({ type: 'request', params: [] });
  });

  it('parses a successful response, whatever its result', () => {
    expect(parseRpcMessage([1, 0xffffffff, null, 0])).toEqual({
      type: 'response',
      msgid: 0xffffffff,
      error: null,
      result: 0,
    });
    expect(parseRpcMessage([1, 1, null, null])).toMatchObject({ result: null });
  });

  it('parses an error response, with or without data', () => {
    expect(parseRpcMessage([1, 5, { code: 'SLOT_ENDED', message: 'over' }, null])).toEqual({
      type: 'response',
      msgid: 5,
      error: { code: 'SLOT_ENDED', message: 'over' },
      result: null,
    });
    expect(parseRpcMessage([1, 5, { code: 'X', message: '', data: { n: 1 } }, null])).toMatchObject({
      error: { data: { n: 1 } },
    });
  });

  it('parses a notification', () => {
    expect(parseRpcMessage([2, 'notifyMsg', [data, -1234.5, 1_700_000_000_000]])).toEqual({
      type: 'notification',
      method: 'notifyMsg',
      params: [data, -1234.5, 1_700_000_000_000],
    });
  });
});

describe('parseRpcMessage: malformed messages', () => {
  it.each([
    [null, 'a message must be an array, got nil'],
    [7, 'a message must be an array, got the number 7'],
    ['hello', 'a message must be an array, got the string "hello"'],
    [{ type: 0 }, 'a message must be an array, got a map'],
    [data, 'a message must be an array, got 2 bytes of binary'],
    [true, 'a message must be an array, got the boolean true'],
    [[], 'a message must not be an empty array'],
    [[3, 1, 'x', []], 'unknown message type the number 3 (0 request, 1 response, 2 notification)'],
    [[-1, 'x', []], 'unknown message type the number -1 (0 request, 1 response, 2 notification)'],
    [['0', 1, 'x', []], 'unknown message type the string "0" (0 request, 1 response, 2 notification)'],
    [[null, 1, 'x', []], 'unknown message type nil (0 request, 1 response, 2 notification)'],
  ])('%p → %s', (value, invalid) => {
    expect(parseRpcMessage(value)).toEqual({ invalid });
  });

  describe('requests', () => {
    it.each([
      [[0], 'a request must have 4 elements [0, msgid, method, params], got 1'],
      [[0, -1, 'login'], 'a request must have 4 elements [0, msgid, method, params], got 3'],
      [[0, -1, 'login', []], 'msgid must be an unsigned 32-bit integer, got the number -1'],
      [[0, 2 ** 32, 'login', []], 'msgid must be an unsigned 32-bit integer, got the number 4294967296'],
      [[0, 1.5, 'login', []], 'msgid must be an unsigned 32-bit integer, got the number 1.5'],
      [[0, '1', 'login', []], 'msgid must be an unsigned 32-bit integer, got the string "1"'],
      [[0, null, 'login', []], 'msgid must be an unsigned 32-bit integer, got nil'],
    ])('%p → %s (no msgid to answer)', (value, invalid) => {
      expect(parseRpcMessage(value)).toEqual({ invalid });
    });

    it.each([
      [[0, 9, 12, []], 'method must be a non-empty string, got the number 12'],
      [[0, 9, '', []], 'method must be a non-empty string, got the string ""'],
      [[0, 9, data, []], 'method must be a non-empty string, got 2 bytes of binary'],
      [[0, 9, 'login', { apiKey: 'k' }], 'params must be an array of positional arguments, got a map'],
      [[0, 9, 'login', 'k'], 'params must be an array of positional arguments, got the string "k"'],
      [[0, 9, 'login', null], 'params must be an array of positional arguments, got nil'],
      [[0, 9, 'login'], 'a request must have 4 elements [0, msgid, method, params], got 3'],
      [[0, 9, 'login', [], 'extra'], 'a request must have 4 elements [0, msgid, method, params], got 5'],
    ])('%p → %s (msgid kept so it can be answered)', (value, invalid) => {
      expect(parseRpcMessage(value)).toEqual({ invalid, msgid: 9 });
    });
  });

  describe('responses', () => {
    it.each([
      [[1, 1, null], 'a response must have 4 elements [1, msgid, error, result], got 3'],
      [[1, -5, null, 1], 'msgid must be an unsigned 32-bit integer, got the number -5'],
    ])('%p → %s', (value, invalid) => {
      expect(parseRpcMessage(value)).toEqual({ invalid });
    });

    it.each([
      ['SOME_CODE', 'error must be nil or a map { code, message, data? }, got the string "SOME_CODE"'],
      [['X', 'y'], 'error must be nil or a map { code, message, data? }, got an array of 2'],
      [data, 'error must be nil or a map { code, message, data? }, got 2 bytes of binary'],
      [{ message: 'm' }, 'error.code must be a non-empty string, got nil'],
      [{ code: -32000, message: 'm' }, 'error.code must be a non-empty string, got the number -32000'],
      [{ code: '', message: 'm' }, 'error.code must be a non-empty string, got the string ""'],
      [{ code: 'X' }, 'error.message must be a string, got nil'],
      [{ code: 'X', message: 'm', data: [1] }, 'error.data must be a map when present, got an array of 1'],
      [{ code: 'X', message: 'm', data: 'd' }, 'error.data must be a map when present, got the string "d"'],
    ])('error %p → %s', (error, invalid) => {
      expect(parseRpcMessage([1, 4, error, null])).toEqual({ invalid, msgid: 4 });
    });
  });

  describe('notifications', () => {
    it.each([
      [[2, 'notifyEvent'], 'a notification must have 3 elements [2, method, params], got 2'],
      [[2, 1, 'notifyEvent', [-4]], 'a notification must have 3 elements [2, method, params], got 4'],
      [[2, null, [-4]], 'method must be a non-empty string, got nil'],
      [[2, 'notifyEvent', -4], 'params must be an array of positional arguments, got the number -4'],
    ])('%p → %s', (value, invalid) => {
      expect(parseRpcMessage(value)).toEqual({ invalid });
    });
  });

  it('describes long strings by length instead of quoting them', () => {
    expect(parseRpcMessage('x'.repeat(100))).toEqual({
      invalid: 'a message must be an array, got a 100-character string',
    });
  });
});

describe('through the frame codec', () => {
  function roundTrip(frame: unknown): RpcMessage | { invalid: string } {
    const [decoded] = new FrameDecoder({ maxFrameBytes: 1024, maxBufferedBytes: 2048 }).push(
      encodeFrame(frame),
    );
    return parseRpcMessage(decoded);
  }

  it('carries a sendMsg request with binary data and a millisecond timestamp', () => {
    const frame = rpcRequest(0xffffffff, 'sendMsg', [data, 1_700_000_000_000]);
    // 94 | 00 | ce ffffffff | a7 "sendMsg" | 92 | c4 02 cafe | d3 0000018bcfe56800
    expect(encodeFrame(frame).subarray(4).toString('hex')).toBe(
      '94' + '00' + 'ceffffffff' + 'a773656e644d7367' + '92' + 'c402cafe' + 'd30000018bcfe56800',
    );
    const parsed = roundTrip(frame);
    expect(parsed).toEqual({
      type: 'request',
      msgid: 0xffffffff,
      method: 'sendMsg',
      params: [data, 1_700_000_000_000],
    });
  });

  it('carries an error response and a notification', () => {
    expect(
      roundTrip(rpcErrorResponse(2, { code: 'NOT_YOUR_SLOT', message: 'no', data: { slotId: 4 } })),
    ).toEqual({
      type: 'response',
      msgid: 2,
      error: { code: 'NOT_YOUR_SLOT', message: 'no', data: { slotId: 4 } },
      result: null,
    });
    expect(roundTrip(rpcNotification('notifyEvent', [-2]))).toEqual({
      type: 'notification',
      method: 'notifyEvent',
      params: [-2],
    });
  });
});
