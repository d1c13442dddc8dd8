// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  RULE_OPERATIONS,
  RULE_PERIODICITIES,
  type RuleOperation,
  type RulePeriodicity,
  WEEKDAYS,
  type Weekday,
} from '../availability-rule';

/**
 * An availability rule as clients send it. Field types are checked here; the rules between
 * fields (ONCE needs a date, end after start, a real time zone…) by validateRuleSpec.
 */
export class RuleDto {
  @ApiProperty({ enum: RULE_OPERATIONS })
  @IsIn(RULE_OPERATIONS)
  operation!: RuleOperation;

  @ApiProperty({ enum: RULE_PERIODICITIES })
  @IsIn(RULE_PERIODICITIES)
  periodicity!: RulePeriodicity;

  @ApiPropertyOptional({ example: '2026-12-01', description: 'ONCE only: the day (YYYY-MM-DD, in timeZone)' })
  @IsOptional()
  @IsString()
  date?: string;

  @ApiPropertyOptional({ enum: WEEKDAYS, isArray: true, description: 'WEEKLY only' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  weekdays?: Weekday[];

  @ApiPropertyOptional({ example: '2026-12-01', description: 'first day the rule applies (inclusive)' })
  @IsOptional()
  @IsString()
  validFrom?: string;

  @ApiPropertyOptional({ example: '2027-06-30', description: 'last day the rule applies (inclusive)' })
  @IsOptional()
  @IsString()
  validUntil?: string;

  @ApiProperty({ example: '22:00', description: 'HH:mm' })
  @IsString()
  startTime!: string;

  @ApiProperty({
    example: '06:00',
    description: 'HH:mm (24:00 allowed); before startTime = crosses midnight',
  })
  @IsString()
  endTime!: string;

  @ApiPropertyOptional({ example: 'Europe/Madrid', default: 'UTC' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timeZone?: string;

  @ApiPropertyOptional({ description: 'only this GS channel; the whole station when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 30)
  channelId?: string;
}

export class AddRuleDto {
  @ApiProperty({ example: 'VigoGS' })
  @IsString()
  @Length(1, 30)
  identifier!: string;

  @ApiProperty({ type: RuleDto })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => RuleDto)
  rule!: RuleDto;
}

export class RemoveRuleDto {
  @ApiProperty({ example: 'VigoGS' })
  @IsString()
  @Length(1, 30)
  identifier!: string;

  @ApiPropertyOptional({ description: 'the id add_rule returned' })
  @ValidateIf((dto: RemoveRuleDto) => dto.rule === undefined)
  @IsString()
  @Length(1, 36)
  ruleId?: string;

  @ApiPropertyOptional({
    type: RuleDto,
    description:
      'instead of ruleId: remove the rules equal to this one (Annex D remove_rule passes rule_cfg)',
  })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => RuleDto)
  rule?: RuleDto;
}

export class GetRulesDto {
  @ApiProperty({ example: 'VigoGS' })
  @IsString()
  @Length(1, 30)
  identifier!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 30)
  channelId?: string;
}

export class AvailabilityQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; default from + the planning horizon' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'availability of this GS channel (station-wide rules plus its own)' })
  @IsOptional()
  @IsString()
  @Length(1, 30)
  channelId?: string;
}

export class StationAvailabilityQueryDto extends AvailabilityQueryDto {
  @ApiProperty({ example: 'VigoGS' })
  @IsString()
  @Length(1, 30)
  identifier!: string;
}
