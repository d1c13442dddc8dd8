// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';
import type { PacketOutcome } from '../../relay/packet.entity';

/** History pages and ranges (docs/api.md "Packet history"). */
export const PACKET_PAGE = { defaultLimit: 100, maxLimit: 1000, maxRangeDays: 31 } as const;

export const PACKET_OUTCOMES: readonly PacketOutcome[] = [
  'RELAYED',
  'NOT_DELIVERED',
  'REJECTED',
  'NON_SCHEDULED',
];
export const PACKET_DIRECTIONS = ['DOWNLINK', 'UPLINK'] as const;
export const EXPORT_FORMATS = ['jsonl', 'binary'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `RELAYED,REJECTED`, `outcome=A&outcome=B` (a query string) or a JSON list: one list. */
const commaList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value.split(',')
    : Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? value.flatMap((item: string) => item.split(','))
      : value;

/** Which packets: every field given narrows the result. */
export class PacketFilterDto {
  @ApiPropertyOptional({ description: 'only the packets of this slot', example: 'slot-AhTQfULz03I' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  slotId?: string;

  @ApiPropertyOptional({ enum: PACKET_DIRECTIONS })
  @IsOptional()
  @IsIn(PACKET_DIRECTIONS)
  direction?: (typeof PACKET_DIRECTIONS)[number];

  @ApiPropertyOptional({
    enum: PACKET_OUTCOMES,
    isArray: true,
    description: 'one outcome or several (comma-separated, or the parameter repeated)',
  })
  @IsOptional()
  @Transform(commaList)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(PACKET_OUTCOMES.length)
  @IsIn(PACKET_OUTCOMES, { each: true })
  outcome?: PacketOutcome[];

  @ApiPropertyOptional({
    description: `ISO 8601: packets the server received at or after this instant (required without slotId; at most ${PACKET_PAGE.maxRangeDays} days before to)`,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601: packets the server received before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class PacketHistoryQueryDto extends PacketFilterDto {
  @ApiPropertyOptional({
    description: `packets per page, 1-${PACKET_PAGE.maxLimit}; default ${PACKET_PAGE.defaultLimit}`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PACKET_PAGE.maxLimit)
  limit?: number;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page of the same query' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  cursor?: string;
}

/** JSON-RPC get_packets: a station or spacecraft identifier and the history query. */
export class GetPacketsDto extends PacketHistoryQueryDto {
  @ApiProperty({ example: 'XATCOBEO' })
  @IsString()
  @Length(1, 30)
  identifier!: string;
}

export class PacketExportQueryDto extends PacketFilterDto {
  @ApiProperty({ enum: EXPORT_FORMATS, description: 'jsonl: JSON Lines; binary: SNPK frames' })
  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;
}
