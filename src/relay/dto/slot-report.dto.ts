// SPDX-License-Identifier: Apache-2.0
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** get_slot_report: a station or spacecraft of the caller and one of its slots. */
export class GetSlotReportDto {
  @ApiProperty({ example: 'VigoGS', description: 'your ground station or spacecraft' })
  @IsString()
  @Length(1, 30)
  identifier!: string;

  @ApiProperty({ example: 'slot-AbCdEfGhIjk' })
  @IsString()
  @Length(1, 40)
  slot!: string;
}
