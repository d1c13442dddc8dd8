// SPDX-License-Identifier: Apache-2.0
import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  type TableColumnOptions,
  TableForeignKey,
} from 'typeorm';

const id: TableColumnOptions = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
const ref = (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '36' });
const text = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const double = (name: string): TableColumnOptions => ({ name, type: 'double' });
const json = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });
const time = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable,
});
const cascade = (name: string, column: string, table: string) =>
  new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

export class StationsAndSpacecraft1763798400000 implements MigrationInterface {
  name = 'StationsAndSpacecraft1763798400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'ground_stations',
        columns: [
          id,
          { ...text('identifier', 30), isUnique: true },
          ref('ownerId'),
          text('callsign', 20),
          double('contactElevationDeg'),
          double('latitudeDeg'),
          double('longitudeDeg'),
          double('altitudeM'),
          json('horizonMask', true),
          { name: 'autoConfirm', type: 'boolean' },
          time('createdAt'),
          time('updatedAt'),
        ],
        indices: [{ name: 'idx_ground_stations_owner', columnNames: ['ownerId'] }],
        foreignKeys: [cascade('fk_ground_stations_owner', 'ownerId', 'users')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'gs_channels',
        columns: [
          id,
          ref('stationId'),
          text('channelId', 30),
          text('direction', 8),
          json('modulations'),
          double('frequencyMinHz'),
          double('frequencyMaxHz'),
          json('bandwidthsHz'),
          json('bitratesBps'),
          json('polarizations'),
        ],
        indices: [
          { name: 'uq_gs_channels_station_channel', columnNames: ['stationId', 'channelId'], isUnique: true },
        ],
        foreignKeys: [cascade('fk_gs_channels_station', 'stationId', 'ground_stations')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'spacecraft',
        columns: [
          id,
          { ...text('identifier', 30), isUnique: true },
          ref('ownerId'),
          text('callsign', 20),
          { name: 'noradId', type: 'int' },
          text('tleName', 80, true),
          text('tleLine1', 69, true),
          text('tleLine2', 69, true),
          time('tleEpoch', true),
          time('tleUpdatedAt', true),
          text('trackingUrl', 500, true),
          text('trackingSpacecraftId', 80, true),
          time('lastRefreshAt', true),
          text('lastRefreshError', 500, true),
          { name: 'cspVersion', type: 'int' },
          json('cspAddresses'),
          json('cspUplinkPorts'),
          json('cspDownlinkPorts'),
          time('createdAt'),
          time('updatedAt'),
        ],
        indices: [{ name: 'idx_spacecraft_owner', columnNames: ['ownerId'] }],
        foreignKeys: [cascade('fk_spacecraft_owner', 'ownerId', 'users')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sc_channels',
        columns: [
          id,
          ref('spacecraftId'),
          text('channelId', 30),
          text('direction', 8),
          text('modulation', 16),
          double('frequencyHz'),
          double('bandwidthHz'),
          double('bitrateBps'),
          text('polarization', 8),
        ],
        indices: [
          {
            name: 'uq_sc_channels_spacecraft_channel',
            columnNames: ['spacecraftId', 'channelId'],
            isUnique: true,
          },
        ],
        foreignKeys: [cascade('fk_sc_channels_spacecraft', 'spacecraftId', 'spacecraft')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['sc_channels', 'spacecraft', 'gs_channels', 'ground_stations'])
      await queryRunner.dropTable(table);
  }
}
