// SPDX-License-Identifier: Apache-2.0
/**
 * Wire format of the TLS gateway (DESIGN.md section 4, Annex E; specified in docs/protocol.md):
 * every message is a 4-byte big-endian unsigned length N, then N bytes holding exactly one msgpack
 * value. Pure and sans-IO: the connection feeds received chunks in and writes encoded frames out.
 *
 * The format is restricted to what every msgpack library reads the same way (Python's msgpack, C's
 * mpack and msgpack-c): nil, booleans, integers, floats, str, bin, arrays and maps. No ext types at
 * all (msgpackr's records, structured clone, bundled strings and timestamps are all ext types), so
 * the decoder rejects them rather than let a peer trigger msgpackr-specific behaviour, and the
 * encoder refuses values that would need them (a Date, a Map, a class instance).
 */

import { Packr, RESERVE_START_SPACE, Unpackr } from 'msgpackr';

export const FRAME_HEADER_BYTES = 4;

/** Deeper nesting is refused both ways; real messages nest 3 levels (message, params, error data). */
export const MAX_NESTING = 32;

/** Why the decoder gave up; each is the code of the `error` notice sent before closing. */
export const FRAME_ERROR_REASONS = ['FRAME_TOO_LARGE', 'MALFORMED_MSGPACK', 'BUFFER_OVERFLOW'] as const;

export type FrameErrorReason = (typeof FRAME_ERROR_REASONS)[number];

export class FrameError extends Error {
  constructor(
    readonly reason: FrameErrorReason,
    message: string,
    /**
     * Messages completed earlier in the same chunk, before the bad frame: they arrived intact, so
     * the connection can still act on them before it reports the error and closes.
     */
    readonly decodedBefore: readonly unknown[] = [],
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  bundleStrings: false,
  moreTypes: false,
  encodeUndefinedAsNil: true,
  // Without it msgpackr writes every object as map16 (de 00 NN); with it, small maps are fixmaps.
  variableMapSize: true,
  useFloat32: 0,
});

const unpackr = new Unpackr({
  useRecords: false,
  structuredClone: false,
  mapsAsObjects: true,
  // 64-bit integers become numbers (exact up to 2^53); msgids and timestamps stay well inside that.
  int64AsType: 'number',
  // bin values are views into the received bytes, never copied (see FrameDecoder).
  copyBuffers: false,
});

/** One complete frame: length prefix and msgpack body, in a single buffer ready to write. */
export function encodeFrame(value: unknown): Buffer {
  // msgpackr leaves the first 4 bytes free for the length, so the body is never copied.
  const frame = packr.pack(toWire(value, 0), RESERVE_START_SPACE | FRAME_HEADER_BYTES);
  frame.writeUInt32BE(frame.length - FRAME_HEADER_BYTES, 0);
  return frame;
}

/**
 * The value as it should go on the wire. msgpackr writes integers outside the 32-bit ranges as
 * float64; a C client reading a millisecond timestamp expects an integer, so those become BigInt,
 * which msgpackr writes as int64. Arrays and objects are copied only when something inside changes.
 */
function toWire(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isSafeInteger(value) && (value > 0xffffffff || value < -0x80000000)
        ? BigInt(value)
        : value;
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return value;
    case 'object':
      return value === null ? null : toWireObject(value, depth);
    case 'symbol':
    case 'function':
      throw new TypeError(`a ${typeof value} cannot be sent over the gateway`);
  }
}

function toWireObject(value: object, depth: number): unknown {
  if (value instanceof Uint8Array) return value; // msgpack bin (a Buffer is a Uint8Array)
  if (depth >= MAX_NESTING) throw new TypeError(`value nests deeper than ${MAX_NESTING} levels`);
  if (Array.isArray(value)) return arrayToWire(value as unknown[], depth + 1);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) {
    return mapToWire(value as Record<string, unknown>, depth + 1);
  }
  const kind = (value.constructor as { name?: string } | undefined)?.name ?? 'object';
  throw new TypeError(
    `a ${kind} has no plain msgpack form; send numbers, strings, bytes, arrays or plain objects`,
  );
}

// Arrays and maps get separate loops: indexing an array by number keeps it on V8's fast path,
// which string keys from Object.keys() would not (this runs for every relayed frame).
function arrayToWire(items: unknown[], depth: number): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const wire = toWire(items[i], depth);
    if (wire !== items[i]) (copy ??= items.slice())[i] = wire;
  }
  return copy ?? items;
}

function mapToWire(map: Record<string, unknown>, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(map)) {
    const wire = toWire(map[key], depth);
    if (wire !== map[key]) (copy ??= { ...map })[key] = wire;
  }
  return copy ?? map;
}

/**
 * A float on the wire whose value is a whole number (`cb` 1893456000000.0). JavaScript has one
 * number type, so msgpackr decodes it as the integer 1893456000000; a decoder asked to
 * (`markWholeFloats`) gives this instead, so that a parameter documented as an integer (a
 * millisecond timestamp, a msgid: docs/protocol.md §3, §5.3) refuses a float whatever its value,
 * as a client in a typed language would see it. Marked only outside maps: client messages are
 * arrays all the way down.
 */
export class WholeFloat {
  constructor(readonly value: number) {}
}

export interface FrameDecoderLimits {
  /** Largest accepted body (N); a larger declared length fails before any of the body is read. */
  maxFrameBytes: number;
  /**
   * Most bytes held between push() calls for an incomplete frame: the length prefix plus the whole
   * declared body, which is allocated once its length is known. Should be at least
   * maxFrameBytes + 4 unless frames that arrive in pieces are meant to be smaller than whole ones.
   */
  maxBufferedBytes: number;
  /** Decode whole-number floats outside maps as WholeFloat rather than as numbers (the server). */
  markWholeFloats?: boolean;
}

/**
 * Sans-IO decoder: push() each received chunk, get back every message it completes. A frame
 * contained in one chunk is decoded in place (bin values are views into that chunk); a frame split
 * across chunks is assembled once into a buffer of its exact size, so input is copied at most once.
 * After any error the decoder is dead (the stream position is unknown): every later push() throws.
 */
export class FrameDecoder {
  private readonly header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFilled = 0;
  /** Declared body length of the frame in progress, or -1 while its header is incomplete. */
  private bodyLength = -1;
  private body: Buffer | undefined;
  private bodyFilled = 0;
  private failure: FrameError | undefined;

  constructor(private readonly limits: FrameDecoderLimits) {
    const { maxFrameBytes, maxBufferedBytes } = limits;
    if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) {
      throw new RangeError(`maxFrameBytes must be a positive integer, got ${maxFrameBytes}`);
    }
    if (!Number.isSafeInteger(maxBufferedBytes) || maxBufferedBytes < FRAME_HEADER_BYTES) {
      throw new RangeError(
        `maxBufferedBytes must be an integer >= ${FRAME_HEADER_BYTES}, got ${maxBufferedBytes}`,
      );
    }
  }

  push(chunk: Buffer): unknown[] {
    if (this.failure) {
      throw new FrameError(this.failure.reason, `the decoder already failed: ${this.failure.message}`);
    }
    const messages: unknown[] = [];
    try {
      this.consume(chunk, messages);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.failure = error;
      this.body = undefined; // release the partial frame; nothing will complete it
      throw new FrameError(error.reason, error.message, messages);
    }
    return messages;
  }

  private consume(chunk: Buffer, messages: unknown[]): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLength < 0) {
        offset = this.readHeader(chunk, offset);
        if (this.bodyLength < 0) break;
      }
      if (!this.body && chunk.length - offset >= this.bodyLength) {
        // Whole body in this chunk (the common case): decode in place, no copy.
        messages.push(decodeBody(chunk, offset, offset + this.bodyLength, this.floats()));
        offset += this.bodyLength;
        this.bodyLength = -1;
        continue;
      }
      offset = this.fillBody(chunk, offset);
      if (this.body && this.bodyFilled === this.bodyLength) {
        messages.push(decodeBody(this.body, 0, this.bodyLength, this.floats()));
        this.body = undefined;
        this.bodyLength = -1;
      }
    }
  }

  private floats(): FloatScan | undefined {
    return this.limits.markWholeFloats ? { path: [], found: [] } : undefined;
  }

  /** Consumes up to 4 header bytes; sets bodyLength once all 4 are in. Returns the new offset. */
  private readHeader(chunk: Buffer, offset: number): number {
    let length: number;
    if (this.headerFilled === 0 && chunk.length - offset >= FRAME_HEADER_BYTES) {
      length = chunk.readUInt32BE(offset);
      offset += FRAME_HEADER_BYTES;
    } else {
      const taken = chunk.copy(
        this.header,
        this.headerFilled,
        offset,
        offset + FRAME_HEADER_BYTES - this.headerFilled,
      );
      this.headerFilled += taken;
      offset += taken;
      if (this.headerFilled < FRAME_HEADER_BYTES) return offset;
      length = this.header.readUInt32BE(0);
      this.headerFilled = 0;
    }
    if (length > this.limits.maxFrameBytes) {
      throw new FrameError(
        'FRAME_TOO_LARGE',
        `frame declares ${length} bytes; the maximum is ${this.limits.maxFrameBytes}`,
      );
    }
    this.bodyLength = length;
    return offset;
  }

  /** Copies what this chunk holds of a body that spans chunks. Returns the new offset. */
  private fillBody(chunk: Buffer, offset: number): number {
    if (!this.body) {
      const needed = FRAME_HEADER_BYTES + this.bodyLength;
      if (needed > this.limits.maxBufferedBytes) {
        throw new FrameError(
          'BUFFER_OVERFLOW',
          `a ${this.bodyLength}-byte frame split across reads needs ${needed} buffered bytes; the maximum is ${this.limits.maxBufferedBytes}`,
        );
      }
      this.body = Buffer.allocUnsafe(this.bodyLength);
      this.bodyFilled = 0;
    }
    const taken = chunk.copy(this.body, this.bodyFilled, offset, offset + this.bodyLength - this.bodyFilled);
    this.bodyFilled += taken;
    return offset + taken;
  }
}

/** The bytes from `start` to `end` of `source` as exactly one plain msgpack value, or MALFORMED_MSGPACK. */
function decodeBody(source: Buffer, start: number, end: number, floats?: FloatScan): unknown {
  const body = source.subarray(start, end); // so that positions in error messages count from the body
  const valueEnd = skipValue(body, 0, 0, floats);
  if (valueEnd !== body.length) {
    throw malformed(
      `${body.length - valueEnd} trailing bytes after the value (which ends at byte ${valueEnd})`,
    );
  }
  try {
    // Given the whole chunk, not the view: msgpackr caches a DataView on the buffer it reads, and
    // creating one per frame (on a new view each time) doubled the cost of decoding.
    const value: unknown = unpackr.unpack(source, { start, end });
    return floats && floats.found.length > 0 ? markWholeFloats(value, floats.found) : value;
  } catch (error) {
    throw malformed(error instanceof Error ? error.message : String(error));
  }
}

/** Where whole-number floats are, as array indexes from the top (`path` is the walk's position). */
interface FloatScan {
  path: number[];
  found: number[][];
}

function markWholeFloats(value: unknown, found: number[][]): unknown {
  for (const path of found) {
    if (path.length === 0) return new WholeFloat(value as number);
    let parent = value as unknown[];
    for (const index of path.slice(0, -1)) parent = parent[index] as unknown[];
    const last = path[path.length - 1];
    parent[last] = new WholeFloat(parent[last] as number);
  }
  return value;
}

function malformed(detail: string): FrameError {
  return new FrameError('MALFORMED_MSGPACK', `frame body is not one plain msgpack value: ${detail}`);
}

/** How a type byte from 0xc0 to 0xdf continues (msgpack spec, "formats"). */
type Tag =
  | { kind: 'fixed'; size: number } // nil, bool, numbers: `size` bytes of data follow
  | { kind: 'bytes' | 'array' | 'map'; lengthBytes: 1 | 2 | 4 } // str/bin, containers: a length, then content
  | { kind: 'refused'; what: string };

const fixed = (size: number): Tag => ({ kind: 'fixed', size });
const EXT: Tag = { kind: 'refused', what: 'an ext type' };

const TAGS: readonly Tag[] = [
  fixed(0), // c0 nil
  { kind: 'refused', what: 'the never-used type byte 0xc1' },
  fixed(0), // c2 false
  fixed(0), // c3 true
  ...([1, 2, 4] as const).map((lengthBytes): Tag => ({ kind: 'bytes', lengthBytes })), // c4-c6 bin
  EXT, // c7 ext 8
  EXT, // c8 ext 16
  EXT, // c9 ext 32
  fixed(4), // ca float 32
  fixed(8), // cb float 64
  ...[1, 2, 4, 8, 1, 2, 4, 8].map(fixed), // cc-cf uint, d0-d3 int
  EXT, // d4 fixext 1
  EXT, // d5 fixext 2
  EXT, // d6 fixext 4
  EXT, // d7 fixext 8
  EXT, // d8 fixext 16
  ...([1, 2, 4] as const).map((lengthBytes): Tag => ({ kind: 'bytes', lengthBytes })), // d9-db str
  { kind: 'array', lengthBytes: 2 }, // dc
  { kind: 'array', lengthBytes: 4 }, // dd
  { kind: 'map', lengthBytes: 2 }, // de
  { kind: 'map', lengthBytes: 4 }, // df
];

/** Returns the offset just past the value starting at `offset`; throws if it is not plain msgpack. */
function skipValue(bytes: Buffer, offset: number, depth: number, floats?: FloatScan): number {
  need(bytes, offset, 1);
  const token = bytes[offset];
  if (token < 0x80 || token >= 0xe0) return offset + 1; // positive / negative fixint
  if (token < 0x90) return skipItems(bytes, offset + 1, (token & 0x0f) * 2, depth); // fixmap
  if (token < 0xa0) return skipItems(bytes, offset + 1, token & 0x0f, depth, floats); // fixarray
  if (token < 0xc0) return skipBytes(bytes, offset + 1, token & 0x1f); // fixstr
  const tag = TAGS[token - 0xc0];
  switch (tag.kind) {
    case 'fixed': {
      const end = skipBytes(bytes, offset + 1, tag.size);
      if (floats && (token === 0xca || token === 0xcb)) {
        const float = token === 0xca ? bytes.readFloatBE(offset + 1) : bytes.readDoubleBE(offset + 1);
        if (Number.isInteger(float)) floats.found.push([...floats.path]);
      }
      return end;
    }
    case 'refused':
      throw malformed(`${tag.what} (0x${token.toString(16)}) at byte ${offset}`);
    case 'bytes':
    case 'array':
    case 'map': {
      const count = readLength(bytes, offset + 1, tag.lengthBytes);
      const start = offset + 1 + tag.lengthBytes;
      if (tag.kind === 'bytes') return skipBytes(bytes, start, count);
      if (tag.kind === 'map') return skipItems(bytes, start, count * 2, depth);
      return skipItems(bytes, start, count, depth, floats);
    }
  }
}

/** `floats`: given for an array's items (tracked by index), never for a map's keys and values. */
function skipItems(bytes: Buffer, offset: number, count: number, depth: number, floats?: FloatScan): number {
  if (depth >= MAX_NESTING) throw malformed(`nesting deeper than ${MAX_NESTING} levels at byte ${offset}`);
  // Every item takes at least one byte: a huge declared count fails here, not after a long loop.
  need(bytes, offset, count);
  if (!floats) {
    for (let i = 0; i < count; i++) offset = skipValue(bytes, offset, depth + 1);
    return offset;
  }
  floats.path.push(0);
  for (let i = 0; i < count; i++) {
    floats.path[floats.path.length - 1] = i;
    offset = skipValue(bytes, offset, depth + 1, floats);
  }
  floats.path.pop();
  return offset;
}

function skipBytes(bytes: Buffer, offset: number, length: number): number {
  need(bytes, offset, length);
  return offset + length;
}

function readLength(bytes: Buffer, offset: number, lengthBytes: 1 | 2 | 4): number {
  need(bytes, offset, lengthBytes);
  return lengthBytes === 1
    ? bytes[offset]
    : lengthBytes === 2
      ? bytes.readUInt16BE(offset)
      : bytes.readUInt32BE(offset);
}

function need(bytes: Buffer, offset: number, length: number): void {
  if (offset + length > bytes.length) {
    throw malformed(
      `the value is truncated (${length} bytes needed at byte ${offset}, the body has ${bytes.length})`,
    );
  }
}
