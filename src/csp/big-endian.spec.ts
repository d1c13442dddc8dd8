// SPDX-License-Identifier: Apache-2.0
import { readUint32BE, writeUint32BE } from './big-endian';

describe('big-endian 32-bit access', () => {
  it('writes most significant byte first and reads it back unsigned', () => {
    const bytes = new Uint8Array(6);
    writeUint32BE(bytes, 1, 0xe3069283);
    expect(Buffer.from(bytes).toString('hex')).toBe('00e306928300');
    expect(readUint32BE(bytes, 1)).toBe(0xe3069283);
  });

  it('writes the same bytes for a signed int with the top bit set', () => {
    const bytes = new Uint8Array(4);
    writeUint32BE(bytes, 0, 0xc0000000 | 0);
    expect(Buffer.from(bytes).toString('hex')).toBe('c0000000');
    expect(readUint32BE(bytes, 0)).toBe(0xc0000000);
  });

  it('agrees with Buffer.readUInt32BE', () => {
    const buffer = Buffer.from('0102030405ff', 'hex');
    expect(readUint32BE(buffer, 2)).toBe(buffer.readUInt32BE(2));
  });
});
