// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsString, Length } from 'class-validator';

/**
 * One identifier naming a ground station or a spacecraft (one namespace for both, Annex C/D): the
 * facade's params, and booking's get_operational_slots, which takes either kind too.
 */
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

/** The Annex D list filter (ListFilter of the facade); REST's station list reads only `mine`. */
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
