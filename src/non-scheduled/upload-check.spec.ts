// SPDX-License-Identifier: Apache-2.0
import { DomainError } from '../common/errors';
import { checkUpload, dedupKey, type UploadFrame } from './upload-check';

const NOW = new Date('2030-01-01T12:00:00Z');
const LIMITS = { maxFrames: 3, maxFrameBytes: 64, maxUploadBytes: 100, maxClockSkewSeconds: 300 };
const frame = (overrides: Partial<UploadFrame> = {}): UploadFrame => ({
  data: Buffer.from('\x94\x15\x0a\x00hello'),
  gsTimestamp: '2030-01-01T11:00:00Z',
  ...overrides,
});

function refusal(frames: UploadFrame[]): { code: string; details?: Record<string, unknown> } {
  try {
    checkUpload('station-1', frames, LIMITS, NOW);
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('not refused');
}

describe('checkUpload', () => {
  it('takes good frames with their time, timestamp as sent, frequency and key', () => {
    const [checked] = checkUpload(
      'station-1',
      [frame({ gsTimestamp: 1893495600000, frequencyHz: 437e6 })],
      LIMITS,
      NOW,
    );
    expect(checked).toMatchObject({
      index: 0,
      gsTime: new Date('2030-01-01T11:00:00Z'),
      clientTimestamp: '1893495600000',
      frequencyHz: 437e6,
    });
    expect(checked.dedupKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['FRAME_TOO_SHORT', { data: Buffer.from([1, 2, 3]) }],
    ['FRAME_TOO_LARGE', { data: Buffer.alloc(65) }],
    ['INVALID_TIMESTAMP', { gsTimestamp: '2030-01-01 11:00' }],
    ['INVALID_TIMESTAMP', { gsTimestamp: `2030-01-01T11:00:00Z${' '.repeat(60)}` }],
    ['INVALID_TIMESTAMP', { gsTimestamp: -1 }],
    ['TIMESTAMP_IN_FUTURE', { gsTimestamp: '2030-01-01T12:05:01Z' }],
    ['INVALID_FREQUENCY', { frequencyHz: 0 }],
    ['INVALID_FREQUENCY', { frequencyHz: Number.NaN }],
  ])('refuses the whole upload for %s, naming the frame', (reason, overrides) => {
    expect(refusal([frame(), frame(overrides)])).toEqual({
      code: 'FRAMES_REFUSED',
      details: { refusedCount: 1, refused: [expect.objectContaining({ index: 1, reason })] },
    });
  });

  it('accepts a station clock up to the skew ahead', () => {
    expect(checkUpload('s', [frame({ gsTimestamp: '2030-01-01T12:05:00Z' })], LIMITS, NOW)).toHaveLength(1);
  });

  it('refuses too many frames, too many bytes, and none', () => {
    expect(refusal([frame(), frame(), frame(), frame()]).code).toBe('UPLOAD_TOO_LARGE');
    expect(refusal([frame({ data: Buffer.alloc(60, 1) }), frame({ data: Buffer.alloc(60, 1) })]).code).toBe(
      'UPLOAD_TOO_LARGE',
    );
    expect(refusal([]).code).toBe('UPLOAD_TOO_LARGE');
  });

  it('keys a frame by station, instant and bytes, whatever form the instant was sent in', () => {
    const bytes = Buffer.from('frame');
    const time = new Date('2030-01-01T11:00:00Z');
    const [iso, ms, offset] = checkUpload(
      'station-1',
      [
        frame({ data: bytes, gsTimestamp: '2030-01-01T11:00:00.000Z' }),
        frame({ data: bytes, gsTimestamp: time.getTime() }),
        frame({ data: bytes, gsTimestamp: '2030-01-01T12:00:00+01:00' }),
      ],
      LIMITS,
      NOW,
    );
    expect(new Set([iso.dedupKey, ms.dedupKey, offset.dedupKey]).size).toBe(1);
    expect(dedupKey('station-2', time, bytes)).not.toBe(iso.dedupKey);
    expect(dedupKey('station-1', new Date(time.getTime() + 1), bytes)).not.toBe(iso.dedupKey);
    expect(dedupKey('station-1', time, Buffer.from('frame!'))).not.toBe(iso.dedupKey);
  });
});
