import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Database } from '../src/database/database.service';
import { Packet } from '../src/relay/packet.entity';
import { PacketLog, ROWS_PER_STATEMENT, type PacketRecord } from '../src/relay/packet-log';
import { TestApp } from './helpers/test-app';

/**
 * The packet log writes with plain multi-row INSERTs (not the repository's insert()): what it
 * stores must read back through TypeORM exactly as given, on SQLite and on MySQL, and a failed
 * write must neither lose frames nor write any twice.
 */
describe('packet log writes', () => {
  let t: TestApp;
  let log: PacketLog;
  const stored = (slotId: string) =>
    t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId }, order: { id: 'ASC' } });

  beforeAll(async () => {
    t = await TestApp.start({ SATNET_PACKET_LOG_FLUSH_MS: '60000', SATNET_PACKET_LOG_BATCH_SIZE: '1000' });
    log = t.app.get(PacketLog);
  });
  afterAll(() => t.stop());
  afterEach(() => jest.restoreAllMocks());

  it('stores every field as given, in order, across several statements', async () => {
    const records = Array.from({ length: ROWS_PER_STATEMENT.sqlite * 2 + 7 }, (_, i) => record('fields', i));
    for (const r of records) log.append(r);
    await log.flush();
    const rows = await stored('fields');
    expect(rows.map(({ id: _id, data, ...rest }) => ({ ...rest, data: Buffer.from(data) }))).toEqual(records);
  });

  it('commits statement by statement on SQLite, but catches up in one transaction when behind', async () => {
    const transactions = jest.spyOn(Database.prototype, 'transaction');
    for (let i = 0; i < 250; i++) log.append(record('steady', i));
    await log.flush(); // less than a batch (1000): latency first
    expect(transactions).toHaveBeenCalledTimes(t.database.kind === 'sqlite' ? 3 : 1);
    transactions.mockClear();
    for (let i = 0; i < 2500; i++) log.append(record('behind', i));
    await log.flush(); // more than a batch waiting: throughput first
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(await stored('behind')).toHaveLength(2500);
  });

  it('holds the relay back while it is behind and writing, not while its writes fail', async () => {
    expect(log.caughtUp()).toBeUndefined();
    const flood = Array.from({ length: 8000 }, (_, i) => record('flood', i)); // 8 batches: behind
    for (const r of flood) log.append(r);
    const held = log.caughtUp();
    expect(held).toBeInstanceOf(Promise);
    await log.flush();
    await held;
    expect(log.caughtUp()).toBeUndefined();

    const poisoned = record('flood-failing', 1) as { outcome: string | null };
    poisoned.outcome = null;
    const failed = new Promise<void>((resolve) =>
      jest.spyOn(Logger.prototype, 'error').mockImplementationOnce(() => resolve()),
    );
    for (let i = 0; i < 8000; i++)
      log.append(i === 1 ? (poisoned as PacketRecord) : record('flood-failing', i));
    const flushed = log.flush();
    await failed;
    expect(log.pending).toBe(8000);
    expect(log.caughtUp()).toBeUndefined(); // it cannot catch up: frames are refused once it is full
    poisoned.outcome = 'RELAYED';
    await flushed;
    expect(await stored('flood-failing')).toHaveLength(8000);
  });

  it('keeps statements under 1 MB of frame data, whatever the row count allows', async () => {
    const inserts = jest.spyOn(EntityManager.prototype, 'query');
    for (let i = 0; i < 300; i++) log.append({ ...record('large', i), data: Buffer.alloc(4000, i) });
    await log.flush();
    const statements = inserts.mock.calls.filter(([sql]) => sql.startsWith('INSERT'));
    // 262 frames of 4,000 bytes fit in 1 MB: MySQL needs 2 statements; SQLite's 100 rows make 3.
    expect(statements).toHaveLength(t.database.kind === 'sqlite' ? 3 : 2);
    expect(await stored('large')).toHaveLength(300);
  });

  it('keeps what a failed write did not commit, and writes nothing twice', async () => {
    const records = Array.from({ length: ROWS_PER_STATEMENT.sqlite + 50 }, (_, i) => record('retry', i));
    const poisoned = records[ROWS_PER_STATEMENT.sqlite + 20] as { outcome: string | null };
    poisoned.outcome = null; // NOT NULL: its statement fails
    const failed = new Promise<void>((resolve) =>
      jest.spyOn(Logger.prototype, 'error').mockImplementationOnce(() => resolve()),
    );
    for (const r of records) log.append(r);
    const flushed = log.flush();
    await failed;
    // SQLite commits statement by statement (the first 100 rows are in); MySQL the batch at once.
    expect(log.pending).toBe(t.database.kind === 'sqlite' ? 50 : records.length);
    poisoned.outcome = 'RELAYED';
    await flushed;
    expect((await stored('retry')).map((row) => row.clientTimestamp)).toEqual(
      records.map((r) => r.clientTimestamp),
    );
  });
});

/** Varied values: both directions and outcomes, nulls, millisecond times, binary data. */
function record(slotId: string, i: number): PacketRecord {
  const rejected = i % 5 === 4;
  return {
    slotId,
    fromSide: i % 2 ? 'mission' : 'station',
    direction: i % 2 ? 'UPLINK' : 'DOWNLINK',
    frameBytes: 8 + (i % 3),
    data: Buffer.from([i & 0xff, 0, 0xff, 0x80, 0x7f, i >> 8, 1, 2].concat(Array<number>(i % 3).fill(9))),
    clientTimestamp:
      i % 3 ? String(Date.UTC(2030, 0, 1) + i) : `2030-01-01T00:00:00.${String(i % 1000).padStart(3, '0')}Z`,
    serverReceivedAt: new Date(Date.UTC(2030, 0, 1, 12, 0, 0, i)),
    gsTimestamp: new Date(Date.UTC(2030, 0, 1, 11, 59, 59, 999 - (i % 1000))),
    dopplerShiftHz: (i % 2 ? -1 : 1) * (i * 37),
    outcome: rejected ? 'REJECTED' : i % 7 ? 'RELAYED' : 'NOT_DELIVERED',
    rejectRule: rejected ? 'BAD_CRC' : null,
    cspSource: rejected ? null : 10,
    cspDestination: rejected ? null : 1,
    cspSourcePort: rejected ? null : i % 64,
    cspDestinationPort: rejected ? null : 20,
  };
}
