// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
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
import {
  IDENTIFIER_PATTERN,
  IDENTIFIER_RULE,
  MODULATIONS,
  POLARIZATIONS,
  type Polarization,
} from '../../radio/radio';
import { annexCNumber, bandwidthHz, frequencyHz, isWrittenInMhz } from '../../radio/annex-c-units';
import { ChannelDto } from '../../radio/dto/channel.dto';

export class TleDto {
  @ApiPropertyOptional({ example: 'XATCOBEO' })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  name?: string;

  @ApiProperty({ example: '1 38082U 12006J   26324.50000000  .00001000  00000-0  12345-3 0  9991' })
  @IsString()
  @Length(1, 80)
  line1!: string;

  @ApiProperty({ example: '2 38082  69.4890 123.4567 0010000 100.0000 260.0000 14.80000000 12340' })
  @IsString()
  @Length(1, 80)
  line2!: string;
}

/** Either a TLE given directly, or a TLE file URL and the entry's name (or NORAD id) in it. */
export class TrackingDto {
  @ApiPropertyOptional({ type: TleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TleDto)
  tle?: TleDto;

  @ApiPropertyOptional({ example: 'https://celestrak.org/NORAD/elements/gp.php?GROUP=cubesat&FORMAT=tle' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  url?: string;

  @ApiPropertyOptional({
    example: 'XATCOBEO',
    description: 'name or NORAD id of the entry in the file at url',
  })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  spacecraftId?: string;
}

export class ScChannelDto extends ChannelDto {
  @ApiProperty({ enum: MODULATIONS })
  @IsIn(MODULATIONS)
  modulation!: string;

  @ApiProperty({ example: 437250000, description: 'Hz (below 1,000,000: MHz, as Annex C writes it)' })
  @Transform(({ value }: { value: unknown }) => frequencyHz(value))
  @IsNumber()
  @IsPositive()
  frequency!: number;

  @ApiProperty({ example: 25000, description: 'Hz (kHz when the frequency is written in MHz)' })
  @Transform(({ value, obj }: { value: unknown; obj: { frequency?: unknown } }) =>
    bandwidthHz(value, isWrittenInMhz(obj.frequency)),
  )
  @IsNumber()
  @IsPositive()
  bandwidth!: number;

  @ApiProperty({ example: 9600, description: 'bit/s' })
  @Transform(({ value }: { value: unknown }) => annexCNumber(value))
  @IsNumber()
  @IsPositive()
  bitrate!: number;

  @ApiProperty({ enum: POLARIZATIONS })
  @IsIn(POLARIZATIONS)
  polarization!: Polarization;
}

/** CSP addressing of the spacecraft: what uplink frames may be sent to and downlink frames come from. */
export class CspSettingsDto {
  @ApiProperty({ enum: [1, 2] })
  @IsIn([1, 2])
  version!: 1 | 2;

  @ApiProperty({ example: [10], description: "the spacecraft's CSP addresses (v1: 0–31, v2: 0–16383)" })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(64)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(16383, { each: true })
  addresses!: number[];

  @ApiProperty({ example: [10, 11], description: 'ports uplink frames may be sent to (0–63)' })
  @IsArray()
  @ArrayMaxSize(64)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(63, { each: true })
  uplinkPorts!: number[];

  @ApiProperty({ example: [10, 11], description: 'ports downlink frames may come from (0–63)' })
  @IsArray()
  @ArrayMaxSize(64)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(63, { each: true })
  downlinkPorts!: number[];
}

/** The Annex C spacecraft configuration, extended (DESIGN §3): NORAD id, CSP settings, units in Hz and bit/s. */
export class SpacecraftConfigDto {
  @ApiProperty({ example: 'XATCOBEO' })
  @IsString()
  @Matches(IDENTIFIER_PATTERN, { message: IDENTIFIER_RULE })
  identifier!: string;

  @ApiProperty({ example: 'KXSC02' })
  @IsString()
  @Length(1, 20)
  callsign!: string;

  @ApiPropertyOptional({
    example: 38082,
    description: "the NORAD catalogue number; when left out, it is learned from the spacecraft's first TLE",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(999999999)
  noradId?: number;

  @ApiProperty()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => TrackingDto)
  tracking!: TrackingDto;

  @ApiProperty({ type: [ScChannelDto] })
  @IsArray()
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  @Type(() => ScChannelDto)
  channels!: ScChannelDto[];

  @ApiPropertyOptional({
    description:
      'the CSP settings frames are checked against; without them slots can be booked but not relayed',
  })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => CspSettingsDto)
  csp?: CspSettingsDto;
}
