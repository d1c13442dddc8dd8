// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

const clientTimestamp = (length: number) =>
  new TableColumn({ name: 'clientTimestamp', type: 'varchar', length: String(length) });
const gsTimestamp = (isNullable: boolean) =>
  new TableColumn({ name: 'gsTimestamp', type: 'datetime', precision: 3, isNullable });
const dopplerShiftHz = (isNullable: boolean) =>
  new TableColumn({ name: 'dopplerShiftHz', type: 'int', isNullable });

/**
 * The packet log stores every field a client may send (issue 16): the client timestamp at its
 * protocol length (64 characters, was 40: a longer one made MySQL refuse the row), no
 * ground-station time or Doppler for a frame refused for its timestamp, and `storeError` for a
 * row the database refused and that was stored repaired.
 */
export class PacketLogDurability1764057600000 implements MigrationInterface {
  name = 'PacketLogDurability1764057600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.changeColumn('packets', 'clientTimestamp', clientTimestamp(64));
    await queryRunner.changeColumn('packets', 'gsTimestamp', gsTimestamp(true));
    await queryRunner.changeColumn('packets', 'dopplerShiftHz', dopplerShiftHz(true));
    await queryRunner.addColumn(
      'packets',
      new TableColumn({ name: 'storeError', type: 'varchar', length: '255', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('packets', 'storeError');
    await queryRunner.query('DELETE FROM packets WHERE gsTimestamp IS NULL OR dopplerShiftHz IS NULL');
    await queryRunner.changeColumn('packets', 'dopplerShiftHz', dopplerShiftHz(false));
    await queryRunner.changeColumn('packets', 'gsTimestamp', gsTimestamp(false));
    await queryRunner.changeColumn('packets', 'clientTimestamp', clientTimestamp(40));
  }
}
