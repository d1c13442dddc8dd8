// SPDX-License-Identifier: Apache-2.0
import {
  encodeFrame,
  FrameDecoder,
  FrameError,
  MAX_NESTING,
  type FrameErrorReason,
  WholeFloat,
} from './frame-codec';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
/** The msgpack body of an encoded frame (after checking its length prefix). */
function body(value: unknown): string {
  const frame = encodeFrame(value);
  expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
  return hex(frame.subarray(4));
}
/** A frame around hand-written body bytes. */
function frameOf(bodyHex: string): Buffer {
  const content = fromHex(bodyHex);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(content.length);
  return Buffer.concat([prefix, content]);
}
const decoder = (maxFrameBytes = 1024, maxBufferedBytes = 2048): FrameDecoder =>
  new FrameDecoder({ maxFrameBytes, maxBufferedBytes });

function expectFrameError(action: () => unknown, reason: FrameErrorReason, message?: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FrameError);
  expect(caught).toMatchObject({ reason, name: 'FrameError' });
  if (message) expect((caught as Error).message).toMatch(message);
}

function nested(levels: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('encodeFrame: bytes any msgpack library reads', () => {
  it('prefixes the body with its length as a 4-byte big-endian unsigned integer', () => {
    expect(hex(encodeFrame(Buffer.from([1, 2])))).toBe('00000004' + 'c4020102');
  });

  it('writes a Buffer and a plain Uint8Array as bin, never as an ext type', () => {
    expect(body(Buffer.from([1, 2]))).toBe('c4020102'); // bin 8, length 2
    expect(body(new Uint8Array([1, 2]))).toBe('c4020102');
    expect(body(Buffer.alloc(300)).slice(0, 6)).toBe('c5012c'); // bin 16
    expect(body(new Uint8Array(0))).toBe('c400');
  });

  it('writes small maps as fixmaps and undefined as nil', () => {
    expect(body({ a: 1 })).toBe('81' + 'a161' + '01');
    expect(body({ a: undefined })).toBe('81' + 'a161' + 'c0');
    expect(body({})).toBe('80');
    expect(body(undefined)).toBe('c0');
    expect(body(null)).toBe('c0');
  });

  it('writes an RPC request as a fixarray of plain values', () => {
    // [0, 1, "login", ["key"]]
    expect(body([0, 1, 'login', ['key']])).toBe('94' + '00' + '01' + 'a56c6f67696e' + '91' + 'a36b6579');
  });

  it('writes booleans, strings and floats in their standard forms', () => {
    expect(body([true, false])).toBe('92c3c2');
    expect(body('é')).toBe('a2c3a9'); // fixstr, UTF-8
    expect(body('x'.repeat(40)).slice(0, 4)).toBe('d928'); // str 8
    expect(body(1.5)).toBe('cb3ff8000000000000'); // float 64
  });

  it('writes integers as integers, including 64-bit ones (a millisecond timestamp)', () => {
    expect(body(127)).toBe('7f');
    expect(body(-1)).toBe('ff');
    expect(body(-33)).toBe('d0df');
    expect(body(0xffffffff)).toBe('ceffffffff');
    expect(body(-0x80000000)).toBe('d280000000');
    expect(body(2 ** 32)).toBe('d30000000100000000'); // not float64, which msgpackr would write
    expect(body(1_700_000_000_000)).toBe('d30000018bcfe56800');
    expect(body(-(2 ** 40))).toBe('d3ffffff0000000000');
    expect(body(2 ** 53 + 2)).toBe('cb4340000000000001'); // not an exact integer: stays a float
  });

  it('converts nested large integers without touching the caller’s value', () => {
    const params = [Buffer.from([7]), 1_700_000_000_000];
    const message = [2, 'notifyMsg', params];
    expect(body(message)).toBe('93' + '02' + 'a96e6f746966794d7367' + '92' + 'c40107' + 'd30000018bcfe56800');
    expect(message[2]).toBe(params);
    expect(params[1]).toBe(1_700_000_000_000);
  });

  it.each([
    ['a Date', new Date(0), /a Date has no plain msgpack form/],
    ['a Map', new Map([[1, 2]]), /a Map has no plain msgpack form/],
    ['a Set', new Set([1]), /a Set has no plain msgpack form/],
    ['a class instance', new (class Point {})(), /a Point has no plain msgpack form/],
    ['a Uint16Array', new Uint16Array(1), /a Uint16Array has no plain msgpack form/],
    ['a symbol', Symbol('s'), /a symbol cannot be sent/],
    ['a function nested in a map', { f: () => 1 }, /a function cannot be sent/],
  ])('refuses %s (it would need an ext type or has no msgpack form)', (_name, value, message) => {
    expect(() => encodeFrame(value)).toThrow(message);
  });

  it(`allows ${MAX_NESTING} nested containers and refuses one more`, () => {
    expect(() => encodeFrame(nested(MAX_NESTING))).not.toThrow();
    expect(() => encodeFrame(nested(MAX_NESTING + 1))).toThrow(`nests deeper than ${MAX_NESTING} levels`);
  });

  it('keeps earlier frames intact when more are encoded (msgpackr shares its buffer)', () => {
    const first = encodeFrame([1, 'one']);
    const copy = hex(first);
    for (let i = 0; i < 2000; i++) encodeFrame({ filler: Buffer.alloc(100), i });
    expect(hex(first)).toBe(copy);
  });

  it('prefixes large bodies correctly too', () => {
    const frame = encodeFrame([Buffer.alloc(100_000, 7)]);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(hex(frame.subarray(4, 10))).toBe('91c6000186a0'); // fixarray 1, bin 32 of 100,000
  });
});

describe('FrameDecoder: framing', () => {
  const messages = [[0, 1, 'login', ['key']], { a: 1, b: [true, null] }, Buffer.from('hello'), 'done'];
  const stream = Buffer.concat(messages.map((message) => encodeFrame(message)));

  it('decodes one frame in one chunk', () => {
    expect(decoder().push(encodeFrame([0, 1, 'login', ['key']]))).toEqual([[0, 1, 'login', ['key']]]);
  });

  it('decodes many frames in one chunk, in order', () => {
    expect(decoder().push(stream)).toEqual(messages);
  });

  it('decodes a stream cut at every possible point', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const frames = decoder();
      const out = [...frames.push(stream.subarray(0, cut)), ...frames.push(stream.subarray(cut))];
      expect(out).toEqual(messages);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const frames = decoder();
    const out: unknown[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...frames.push(stream.subarray(i, i + 1)));
    expect(out).toEqual(messages);
  });

  it('returns nothing for an empty chunk or an incomplete frame', () => {
    const frames = decoder();
    expect(frames.push(Buffer.alloc(0))).toEqual([]);
    expect(frames.push(stream.subarray(0, 6))).toEqual([]);
  });

  it('decodes bin in place when the frame is inside one chunk (zero copy)', () => {
    const chunk = encodeFrame([Buffer.from([1, 2, 3])]);
    const [[data]] = decoder().push(chunk) as [[Buffer]];
    expect(Buffer.isBuffer(data)).toBe(true);
    expect(hex(data)).toBe('010203');
    expect(data.buffer).toBe(chunk.buffer);
  });

  it('assembles a split frame once into a buffer of its own', () => {
    const chunk = encodeFrame([Buffer.from([1, 2, 3])]);
    const frames = decoder();
    frames.push(chunk.subarray(0, 7));
    const [[data]] = frames.push(chunk.subarray(7)) as [[Buffer]];
    expect(hex(data)).toBe('010203');
    expect(data.buffer).not.toBe(chunk.buffer);
  });
});

describe('FrameDecoder: values as non-msgpackr peers write them', () => {
  it("reads Python msgpack's packb([0, 7, 'sendMsg', [b'\\x01\\x02', 1700000000000]])", () => {
    // Python writes non-negative integers above 32 bits as uint 64 (cf).
    const frame = frameOf('94 00 07 a7 73656e644d7367 92 c4 02 0102 cf 0000018bcfe56800');
    const [message] = decoder().push(frame) as [[number, number, string, [Buffer, number]]];
    expect(message.slice(0, 3)).toEqual([0, 7, 'sendMsg']);
    expect(hex(message[3][0])).toBe('0102');
    expect(message[3][1]).toBe(1_700_000_000_000);
    expect(typeof message[3][1]).toBe('number');
  });

  it('reads 64-bit signed integers as numbers', () => {
    expect(decoder().push(frameOf('d3 ffffff0000000000'))).toEqual([-(2 ** 40)]);
  });

  it('reads maps (also map16 with string keys) as plain objects', () => {
    const [map] = decoder().push(frameOf('de 0002 a161 01 a162 c0')) as [Record<string, unknown>];
    expect(map).toEqual({ a: 1, b: null });
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
  });

  it('does not let a "__proto__" key change an object prototype', () => {
    const [map] = decoder().push(frameOf('81 a9 5f5f70726f746f5f5f 81 a1 78 01')) as [
      Record<string, unknown>,
    ];
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reads str 8/16 and bin 16/32 lengths', () => {
    expect(decoder().push(frameOf('d9 03 616263'))).toEqual(['abc']);
    expect(decoder().push(frameOf('da 0003 616263'))).toEqual(['abc']);
    expect(decoder().push(frameOf('c5 0002 0102'))).toEqual([Buffer.from([1, 2])]);
    expect(decoder().push(frameOf('c6 00000002 0102'))).toEqual([Buffer.from([1, 2])]);
  });

  it('reads float 32 and array/map 32 headers', () => {
    expect(decoder().push(frameOf('ca 3fc00000'))).toEqual([1.5]);
    expect(decoder().push(frameOf('dd 00000002 01 02'))).toEqual([[1, 2]]);
    expect(decoder().push(frameOf('df 00000001 a161 01'))).toEqual([{ a: 1 }]);
  });

  it('marks whole-number floats in arrays as WholeFloat when asked (the server), and only then', () => {
    // [0, 2, "sendMsg", [bin 01, 1893456000000.0 as float 64]], then [3.0 as float 32, 1.5]
    const sendMsg = frameOf('94 00 02 a7 73656e644d7367 92 c4 01 01 cb 427b8dac5b400000');
    const floats = frameOf('92 ca 40400000 cb 3ff8000000000000');
    const marking = () =>
      new FrameDecoder({ maxFrameBytes: 1024, maxBufferedBytes: 2048, markWholeFloats: true });
    expect(marking().push(sendMsg)).toEqual([
      [0, 2, 'sendMsg', [Buffer.from([1]), new WholeFloat(1893456000000)]],
    ]);
    expect(marking().push(floats)).toEqual([[new WholeFloat(3), 1.5]]);
    expect(marking().push(frameOf('cb 427b8dac5b400000'))).toEqual([new WholeFloat(1893456000000)]);
    // Integers stay integers; a map's values are left alone.
    expect(marking().push(frameOf('92 d3 000001b8dac5b400 81 a161 ca 40400000'))).toEqual([
      [1893456000000, { a: 3 }],
    ]);
    expect(decoder().push(sendMsg)).toEqual([[0, 2, 'sendMsg', [Buffer.from([1]), 1893456000000]]]);
  });

  it(`reads ${MAX_NESTING} nested containers`, () => {
    expect(decoder().push(encodeFrame(nested(MAX_NESTING)))).toEqual([nested(MAX_NESTING)]);
  });
});

describe('FrameDecoder: limits and errors', () => {
  it('accepts a body of exactly maxFrameBytes', () => {
    const frame = encodeFrame(Buffer.alloc(10));
    expect(decoder(frame.length - 4).push(frame)).toHaveLength(1);
  });

  it('rejects a too-large declared length from the 4-byte prefix alone', () => {
    const frames = decoder(100);
    expectFrameError(
      () => frames.push(fromHex('00000065')),
      'FRAME_TOO_LARGE',
      /^frame declares 101 bytes; the maximum is 100$/,
    );
  });

  it('rejects a too-large length whose prefix arrives split', () => {
    const frames = decoder(100);
    expect(frames.push(fromHex('ffff'))).toEqual([]);
    expectFrameError(() => frames.push(fromHex('ffff')), 'FRAME_TOO_LARGE', /declares 4294967295 bytes/);
  });

  it('rejects a frame that must be buffered beyond maxBufferedBytes, but not one that arrives whole', () => {
    const frame = encodeFrame(Buffer.alloc(50)); // body 52 bytes: 56 buffered with the prefix
    expect(decoder(1024, 55).push(frame)).toHaveLength(1);
    const frames = decoder(1024, 55);
    expectFrameError(
      () => frames.push(frame.subarray(0, 10)),
      'BUFFER_OVERFLOW',
      /^a 52-byte frame split across reads needs 56 buffered bytes; the maximum is 55$/,
    );
    const enough = decoder(1024, 56);
    expect([...enough.push(frame.subarray(0, 10)), ...enough.push(frame.subarray(10))]).toHaveLength(1);
  });

  it.each([
    ['an empty body', ''],
    ['trailing bytes after one value', '01 02'],
    ['two values', 'c0 c0'],
    ['a truncated array', '92 01'],
    ['a truncated string', 'a5 6162'],
    ['a truncated length field', 'da 00'],
    ['a huge declared array count', 'dd ffffffff 01'],
    ['a huge declared map count', 'df 7fffffff 01'],
    ['a bin longer than the body', 'c4 05 0102'],
    ['the never-used byte 0xc1', 'c1'],
    ['a fixext 1 (msgpackr record definition)', 'd4 72 40'],
    ['a fixext 4 (timestamp 32)', 'd6 ff 00000000'],
    ['an ext 8 (msgpackr typed array)', 'c7 02 74 01 00'],
    ['an ext nested in an array', '92 01 d4 01 00'],
    ['a map missing its last value', '82 a161 01 a162'],
  ])('rejects %s as MALFORMED_MSGPACK', (_name, bodyHex) => {
    expectFrameError(
      () => decoder().push(frameOf(bodyHex)),
      'MALFORMED_MSGPACK',
      /^frame body is not one plain msgpack value: /,
    );
  });

  it('names the offending ext type and its position', () => {
    expectFrameError(
      () => decoder().push(frameOf('92 01 d6 ff 00000000')),
      'MALFORMED_MSGPACK',
      /an ext type \(0xd6\) at byte 2/,
    );
  });

  it('names the trailing bytes', () => {
    expectFrameError(
      () => decoder().push(frameOf('c0 01 02')),
      'MALFORMED_MSGPACK',
      /2 trailing bytes after the value/,
    );
  });

  it(`rejects more than ${MAX_NESTING} nested containers without deep recursion`, () => {
    const depth = MAX_NESTING + 1;
    const deep = frameOf('91'.repeat(depth) + '00');
    expectFrameError(() => decoder().push(deep), 'MALFORMED_MSGPACK', /nesting deeper than 32 levels/);
    const veryDeep = frameOf('91'.repeat(100_000) + '00');
    expectFrameError(() => decoder(1 << 20).push(veryDeep), 'MALFORMED_MSGPACK', /nesting deeper/);
  });

  it('refuses all further input after an error, even valid frames', () => {
    const frames = decoder();
    expectFrameError(() => frames.push(frameOf('c1')), 'MALFORMED_MSGPACK');
    expectFrameError(
      () => frames.push(encodeFrame('fine')),
      'MALFORMED_MSGPACK',
      /^the decoder already failed: frame body is not one plain msgpack value: the never-used type byte 0xc1/,
    );
  });

  it('hands over the good frames that preceded a bad one in the same chunk, once', () => {
    const frames = decoder();
    const chunk = Buffer.concat([encodeFrame(1), encodeFrame('two'), frameOf('c1'), encodeFrame(4)]);
    let caught: unknown;
    try {
      frames.push(chunk);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ reason: 'MALFORMED_MSGPACK', decodedBefore: [1, 'two'] });
    let later: unknown;
    try {
      frames.push(encodeFrame(5));
    } catch (error) {
      later = error;
    }
    expect(later).toMatchObject({ decodedBefore: [] });
  });

  it.each([
    [{ maxFrameBytes: 0, maxBufferedBytes: 10 }, /maxFrameBytes must be a positive integer/],
    [{ maxFrameBytes: 1.5, maxBufferedBytes: 10 }, /maxFrameBytes must be a positive integer/],
    [{ maxFrameBytes: 10, maxBufferedBytes: 3 }, /maxBufferedBytes must be an integer >= 4/],
  ])('validates its limits (%p)', (limits, message) => {
    expect(() => new FrameDecoder(limits)).toThrow(message);
  });
});
