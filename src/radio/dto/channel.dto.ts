// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import { DIRECTIONS, type Direction, IDENTIFIER_PATTERN, IDENTIFIER_RULE } from '../radio';

/**
 * What every channel, station or spacecraft, is named by and which way it works. The radio
 * parameters differ (a station channel offers ranges and lists, a spacecraft channel has one
 * value each), so each side's DTO extends this with its own.
 */
export class ChannelDto {
  @ApiProperty({ example: 'uhf-1' })
  @IsString()
  @Matches(IDENTIFIER_PATTERN, { message: IDENTIFIER_RULE })
  channelId!: string;

  /** Annex C has no direction: a channel that does not say works both ways. */
  @ApiPropertyOptional({ enum: DIRECTIONS, default: 'BOTH' })
  @IsIn(DIRECTIONS)
  direction: Direction = 'BOTH';
}
