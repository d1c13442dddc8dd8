// SPDX-License-Identifier: Apache-2.0
import { ERROR_CODES, type ErrorCode } from '../../common/error-codes';
import { codesIn, firstTable, readDoc, section } from '../../common/testing/markdown-tables';
import { FRAME_ERROR_REASONS } from './frame-codec';
import { CLOSE_NOTICE, GATEWAY_ERROR } from './gateway-errors';

// docs/protocol.md is all a gateway client is written from: its two error tables must list exactly
// the codes the gateway can send.
const protocol = readDoc('protocol.md');

function tableCodes(heading: string): string[] {
  return firstTable(section(protocol, heading)).flatMap(([codes]) => codesIn(codes));
}

const sorted = (codes: Iterable<string>): string[] => [...new Set(codes)].sort();

describe('docs/protocol.md error codes', () => {
  it('section 7 lists exactly the registered codes a gateway response can carry', () => {
    const gatewayCodes = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) =>
      (ERROR_CODES[code].docs as readonly string[]).includes('gateway'),
    );
    expect(sorted(tableCodes('7. Errors'))).toEqual(sorted(gatewayCodes));
  });

  it("section 7 lists every code of the gateway's own error table", () => {
    const documented = new Set(tableCodes('7. Errors'));
    expect(Object.values(GATEWAY_ERROR).filter((code) => !documented.has(code))).toEqual([]);
  });

  it('section 6.4 lists exactly the codes of the error notification', () => {
    const notices = [
      ...Object.values(CLOSE_NOTICE),
      ...FRAME_ERROR_REASONS,
      GATEWAY_ERROR.INVALID_MESSAGE,
      GATEWAY_ERROR.METHOD_NOT_FOUND,
    ];
    expect(sorted(tableCodes('6.4 `error({code: str, message: str})`'))).toEqual(sorted(notices));
  });
});
