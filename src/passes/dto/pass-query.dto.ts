// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, Length } from 'class-validator';

/** Pass query: defaults to the next 24 hours over every station. */
export class PassQueryDto {
  @ApiPropertyOptional({ example: '2026-11-22T00:00:00Z', description: 'ISO 8601; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-23T00:00:00Z', description: 'ISO 8601; default from + 24 h' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'station identifiers (REST: comma-separated); default all',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').filter(Boolean) : value,
  )
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  groundStations?: string[];
}

export class SpacecraftPassQueryDto extends PassQueryDto {
  @ApiProperty({ example: 'XATCOBEO' })
  @IsString()
  @Length(1, 30)
  identifier!: string;
}
