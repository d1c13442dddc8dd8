// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/** Each column this migration relaxes, and what a row without a value gets back on the way down. */
const RELAXED = [
  { table: 'ground_stations', name: 'callsign', type: 'varchar', length: '20', fallback: "''" },
  { table: 'spacecraft', name: 'noradId', type: 'int', fallback: '0' },
  { table: 'spacecraft', name: 'cspVersion', type: 'int', fallback: '1' },
  { table: 'spacecraft', name: 'cspAddresses', type: 'text', fallback: "'[]'" },
  { table: 'spacecraft', name: 'cspUplinkPorts', type: 'text', fallback: "'[]'" },
  { table: 'spacecraft', name: 'cspDownlinkPorts', type: 'text', fallback: "'[]'" },
] as const;

const column = (spec: (typeof RELAXED)[number], isNullable: boolean) =>
  new TableColumn({
    name: spec.name,
    type: spec.type,
    ...('length' in spec ? { length: spec.length } : {}),
    isNullable,
  });

/**
 * Annex C's own documents configure a ground station without a callsign and a spacecraft without
 * a NORAD id or CSP settings (issue 14): the callsign is optional, the NORAD id is learned from
 * the first TLE, and a spacecraft without CSP settings can be booked but not relayed.
 */
export class AnnexCOptionalFields1764763200000 implements MigrationInterface {
  name = 'AnnexCOptionalFields1764763200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const spec of RELAXED) await queryRunner.changeColumn(spec.table, spec.name, column(spec, true));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const spec of RELAXED) {
      await queryRunner.query(
        `UPDATE ${spec.table} SET ${spec.name} = ${spec.fallback} WHERE ${spec.name} IS NULL`,
      );
      await queryRunner.changeColumn(spec.table, spec.name, column(spec, false));
    }
  }
}
