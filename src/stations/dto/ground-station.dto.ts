// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AsArray } from '../../common/dto-validators';
import {
  IDENTIFIER_PATTERN,
  IDENTIFIER_RULE,
  MODULATIONS,
  POLARIZATIONS,
  type Polarization,
} from '../../radio/radio';
import { annexCNumber, bandwidthHz, frequencyHz, isWrittenInMhz } from '../../radio/annex-c-units';
import { ChannelDto } from '../../radio/dto/channel.dto';

export class LocationDto {
  @ApiProperty({ example: 42.17, description: 'degrees, −90…90' })
  @IsNumber()
  @Min(-90)
  @Max(90)
  latitude!: number;

  @ApiProperty({ example: -8.68, description: 'degrees, −180…180' })
  @IsNumber()
  @Min(-180)
  @Max(180)
  longitude!: number;

  /** Annex C gives no altitude: sea level unless said. */
  @ApiPropertyOptional({ example: 460, default: 0, description: 'metres above the WGS-84 ellipsoid' })
  @IsNumber()
  @Min(-500)
  @Max(10000)
  altitude: number = 0;
}

export class HorizonSectorDto {
  @ApiProperty({ example: 90, description: 'degrees from north, 0…360' })
  @IsNumber()
  @Min(0)
  @Max(360)
  fromAzimuth!: number;

  @ApiProperty({ example: 180, description: 'degrees; a sector may wrap through north (from 300 to 30)' })
  @IsNumber()
  @Min(0)
  @Max(360)
  toAzimuth!: number;

  @ApiProperty({ example: 15, description: 'minimum elevation in this sector, degrees 0…90' })
  @IsNumber()
  @Min(0)
  @Max(90)
  minElevation!: number;
}

export class FrequencyRangeDto {
  @ApiProperty({ example: 435000000, description: 'Hz (below 1,000,000: MHz, as Annex C writes it)' })
  @Transform(({ value }: { value: unknown }) => frequencyHz(value))
  @IsNumber()
  @IsPositive()
  minimum!: number;

  @ApiProperty({ example: 438000000, description: 'Hz (below 1,000,000: MHz, as Annex C writes it)' })
  @Transform(({ value }: { value: unknown }) => frequencyHz(value))
  @IsNumber()
  @IsPositive()
  maximum!: number;
}

export class GsChannelDto extends ChannelDto {
  @ApiProperty({ enum: MODULATIONS, isArray: true, description: 'a list (a single string is accepted)' })
  @AsArray()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(MODULATIONS, { each: true })
  modulation!: string[];

  @ApiProperty()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => FrequencyRangeDto)
  frequencyRange!: FrequencyRangeDto;

  @ApiProperty({ example: [12500, 25000], description: 'Hz (kHz when the frequency range is in MHz)' })
  @Transform(({ value, obj }: { value: unknown; obj: Record<string, unknown> }) =>
    mapArray(value, (item) => bandwidthHz(item, rangeInMhz(obj.frequencyRange))),
  )
  @IsArray()
  @ArrayNotEmpty()
  @IsNumber({}, { each: true })
  @IsPositive({ each: true })
  bandwidth!: number[];

  @ApiProperty({ example: [1200, 9600], description: 'bit/s' })
  @Transform(({ value }: { value: unknown }) => mapArray(value, annexCNumber))
  @IsArray()
  @ArrayNotEmpty()
  @IsNumber({}, { each: true })
  @IsPositive({ each: true })
  bitrate!: number[];

  @ApiProperty({ enum: POLARIZATIONS, isArray: true })
  @AsArray()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(POLARIZATIONS, { each: true })
  polarization!: Polarization[];
}

/** A single value as a list of one (Annex C's `"modulation": "FM"`), then each item read by `read`. */
function mapArray(value: unknown, read: (item: unknown) => unknown): unknown {
  if (value === undefined) return value;
  return (Array.isArray(value) ? value : [value]).map(read);
}

function rangeInMhz(range: unknown): boolean {
  return (
    typeof range === 'object' && range !== null && isWrittenInMhz((range as { minimum?: unknown }).minimum)
  );
}

/** The Annex C ground-station configuration, extended (DESIGN §3): units are degrees, metres, Hz, bit/s. */
export class GroundStationConfigDto {
  @ApiProperty({ example: 'VigoGS' })
  @IsString()
  @Matches(IDENTIFIER_PATTERN, { message: IDENTIFIER_RULE })
  identifier!: string;

  @ApiPropertyOptional({ example: 'EA1XYZ', description: 'optional (Annex C has none)' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  callsign?: string;

  @ApiProperty({ example: 10, description: 'minimum contact elevation, degrees 0…90' })
  @IsNumber()
  @Min(0)
  @Max(90)
  contactElevation!: number;

  @ApiProperty()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => LocationDto)
  location!: LocationDto;

  @ApiPropertyOptional({ type: [HorizonSectorDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(72)
  @ValidateNested({ each: true })
  @Type(() => HorizonSectorDto)
  horizonMask?: HorizonSectorDto[];

  @ApiPropertyOptional({
    default: false,
    description: 'reserve selections at once, without a human confirming',
  })
  @IsOptional()
  @IsBoolean()
  autoConfirm?: boolean;

  @ApiProperty({ type: [GsChannelDto] })
  @IsArray()
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  @Type(() => GsChannelDto)
  channels!: GsChannelDto[];
}
