import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
} from 'class-validator';

export class IdentifierDto {
  @ApiProperty({ example: 'VigoGS' })
  @IsString()
  @Length(1, 30)
  identifier!: string;
}

export class SetConfigurationDto extends IdentifierDto {
  @ApiProperty({
    description:
      'Exactly one of {"GroundStationConfiguration": {…}} or {"SpacecraftConfiguration": {…}} (Annex C)',
  })
  @IsObject()
  configuration!: Record<string, unknown>;
}

export class ListDto {
  @ApiPropertyOptional({ description: 'Annex D passes an identifier: the list then holds at most that one' })
  @IsOptional()
  @IsString()
  @Length(1, 30)
  identifier?: string;

  @ApiPropertyOptional({ description: 'only your own' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  mine?: boolean;
}

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
