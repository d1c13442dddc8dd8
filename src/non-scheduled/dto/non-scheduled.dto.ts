// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBase64,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

/** A string of at most 64 characters or integer milliseconds; what it says is checked by the service. */
const IsTimestampForm = (): PropertyDecorator =>
  ValidateBy({
    name: 'isTimestampForm',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'string' && value.length > 0 && value.length <= 64) || Number.isSafeInteger(value),
      defaultMessage: () =>
        'must be an ISO 8601 date-time with an offset (at most 64 characters) or integer milliseconds since 1970',
    },
  });

/** One frame a station heard outside any slot (docs/api.md "Non-scheduled frames"). */
export class NonScheduledFrameDto {
  @ApiProperty({ description: 'the CSP frame, base64', example: 'UKUAAHRlbGVtZXRyeQ==' })
  @IsString()
  @IsBase64()
  data!: string;

  @ApiProperty({
    description: 'when the station heard it: ISO 8601 with an offset, or integer epoch milliseconds',
    oneOf: [{ type: 'string', format: 'date-time' }, { type: 'integer' }],
    example: '2008-09-20T12:31:05.250Z',
  })
  @IsTimestampForm()
  gsTimestamp!: string | number;

  @ApiPropertyOptional({ description: 'the frequency it was heard on (Hz)', example: 437500000 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  frequencyHz?: number;
}

export class NonScheduledUploadDto {
  @ApiProperty({ type: [NonScheduledFrameDto], description: 'at most 1,000 frames (configurable)' })
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => NonScheduledFrameDto)
  frames!: NonScheduledFrameDto[];
}

/** JSON-RPC `upload_non_scheduled_frames`: the station and the frames. */
export class UploadNonScheduledParamsDto extends NonScheduledUploadDto {
  @ApiProperty({ example: 'VigoGS' })
  @IsString()
  @Length(1, 30)
  groundStation!: string;
}

/** The frames as the service takes them. */
export function decodedFrames(frames: NonScheduledFrameDto[]) {
  return frames.map((frame) => ({
    data: Buffer.from(frame.data, 'base64'),
    gsTimestamp: frame.gsTimestamp,
    frequencyHz: frame.frequencyHz ?? null,
  }));
}
