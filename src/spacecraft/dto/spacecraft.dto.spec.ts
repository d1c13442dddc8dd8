// SPDX-License-Identifier: Apache-2.0
import 'reflect-metadata';
import { parseTle } from '../../orbit/tle';
import { TleDto } from './spacecraft.dto';

/** Where @nestjs/swagger keeps @ApiProperty options (its constants are not in its exports map). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

/** The example Swagger UI shows (and pre-fills in "Try it out") for one property. */
function example(property: keyof TleDto): unknown {
  const metadata = Reflect.getMetadata(API_MODEL_PROPERTIES, TleDto.prototype, property) as {
    example?: unknown;
  };
  return metadata.example;
}

describe('TleDto in the OpenAPI document', () => {
  it('shows an example TLE the server accepts (shape, checksums, epoch, elements)', () => {
    const line1 = example('line1');
    const line2 = example('line2');
    expect(typeof line1).toBe('string');
    expect(typeof line2).toBe('string');
    expect(() => parseTle(line1 as string, line2 as string)).not.toThrow();
  });
});
