import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Min,
} from 'class-validator';

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
