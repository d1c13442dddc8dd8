// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';

/** Slot lists come in pages (docs/api.md "Paging through slots"): small by default. */
export const SLOT_PAGE = { defaultLimit: 100, maxLimit: 1000 } as const;

export class SlotIdsDto {
  @ApiProperty({ type: [String], example: ['slot-AbCdEfGhIjk'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 40, { each: true })
  slots!: string[];
}

/** Annex D select_slots / confirm_selections / …: the station or spacecraft, and the slots. */
export class SlotOperationDto extends SlotIdsDto {
  @ApiProperty({ example: 'XATCOBEO' })
  @IsString()
  @Length(1, 30)
  identifier!: string;
}

export class ChangesQueryDto {
  @ApiPropertyOptional({ description: 'the nextCursor of the previous call; 0 or absent for everything' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  cursor?: number;
}

export class GetChangesDto extends ChangesQueryDto {
  @ApiProperty({ example: 'VigoGS' })
  @IsString()
  @Length(1, 30)
  identifier!: string;
}

/** A window, a page size and a cursor for the slot lists (REST query, JSON-RPC params). */
export class SlotListQueryDto {
  @ApiPropertyOptional({
    description: 'ISO 8601: slots ending after this instant; default (and at the earliest) now',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'ISO 8601: slots starting before this instant; default the planning horizon',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({
    description: `slots per page, 1-${SLOT_PAGE.maxLimit}; default ${SLOT_PAGE.defaultLimit}`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(SLOT_PAGE.maxLimit)
  limit?: number;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page; absent for the first' })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  cursor?: string;
}

export class GetOperationalSlotsDto extends SlotListQueryDto {
  @ApiProperty({ example: 'XATCOBEO' })
  @IsString()
  @Length(1, 30)
  identifier!: string;
}
