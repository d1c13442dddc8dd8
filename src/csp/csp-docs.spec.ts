// SPDX-License-Identifier: Apache-2.0
import { codesIn, firstTable, readDoc, section } from '../common/testing/markdown-tables';
import { crc32c } from './crc32c';
import { CSP_RULES } from './csp-frame';
import { CSP_FLAG, encodeCspHeader, makeCspHeader } from './csp-header';

// docs/protocol.md section 9 is what a station or mission client builds its frames from: its
// layouts, flags, CRC rule and rejection rules must be the codec's.
const protocol = readDoc('protocol.md');
const spaced = (bytes: Uint8Array): string =>
  Buffer.from(bytes)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');

describe('docs/protocol.md section 9: CSP', () => {
  it('9.1: the example header is what the codec writes, in v1 and v2', () => {
    const text = section(protocol, '9.1 CSP headers');
    const header = makeCspHeader({
      priority: 2,
      source: 10,
      destination: 1,
      destinationPort: 10,
      sourcePort: 20,
      flags: CSP_FLAG.CRC,
    });
    expect(text).toContain(`\`${spaced(encodeCspHeader(1, header))}\` in v1`);
    expect(text).toContain(`\`${spaced(encodeCspHeader(2, header))}\` in v2`);
  });

  it('9.1: the flag values are the codec’s', () => {
    const rows = firstTable(section(protocol, '9.1 CSP headers'));
    const documented = Object.fromEntries(
      rows.map(([name, value]) => [name.replace(/`/g, ''), value.replace(/`/g, '')]),
    );
    const expected = Object.fromEntries(
      Object.entries(CSP_FLAG).map(([name, value]) => [name, `0x${value.toString(16).padStart(2, '0')}`]),
    );
    expect(documented).toEqual(expected);
  });

  it('9.2: the CRC32-C check values are the server’s', () => {
    const text = section(protocol, '9.2 CRC32-C');
    const hex = (value: number) => `0x${value.toString(16).toUpperCase().padStart(8, '0')}`;
    expect(text).toContain(`\`123456789\` is \`${hex(crc32c(Buffer.from('123456789')))}\``);
    expect(text).toContain(`of \`hello\`, \`${hex(crc32c(Buffer.from('hello')))}\``);
  });

  it('9.4: lists exactly the rules a refused frame can carry', () => {
    const documented = firstTable(section(protocol, '9.4 `data.rule` of a refused frame')).flatMap(([rule]) =>
      codesIn(rule),
    );
    expect([...documented].sort()).toEqual([...CSP_RULES].sort());
  });
});
