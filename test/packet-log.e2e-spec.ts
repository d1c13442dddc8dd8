// SPDX-License-Identifier: Apache-2.0
import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Database } from '../src/database/database.service';
import { PacketFeed } from '../src/relay/packet-feed';
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
    expect(rows.map(({ id: _id, data, ...rest }) => ({ ...rest, data: Buffer.from(data) }))).toEqual(
      records.map((r) => ({ ...r, storeError: null })),
    );
  });

  it('commits statement by statement on SQLite, but catches up in one transaction when behind', async () => {
    // Kept as a call count on purpose: how frames are grouped into transactions is a performance
    // contract (latency while steady, throughput while behind) with no other trace a user can see;
    // the stored rows are the same either way. What a failure in the middle leaves committed is
    // asserted, through the stored rows, by 'keeps what a failed write did not commit' below.
    const transactions = jest.spyOn(Database.prototype, 'transaction');
    for (let i = 0; i < 250; i++) log.append(record('steady', i));
    await log.flush(); // less than a batch (1000): latency first
    // SQLite: a transaction per statement of 100 rows. MySQL: one INSERT, atomic by itself.
    expect(transactions).toHaveBeenCalledTimes(t.database.kind === 'sqlite' ? 3 : 0);
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

    const failed = databaseDown();
    for (let i = 0; i < 8000; i++) log.append(record('flood-failing', i));
    const flushed = log.flush();
    await failed.reported;
    expect(log.pending).toBe(8000);
    expect(log.caughtUp()).toBeUndefined(); // it cannot catch up: frames are refused once it is full
    failed.recover();
    await flushed;
    expect(await stored('flood-failing')).toHaveLength(8000);
  });

  it('keeps statements under 1 MB of frame data, whatever the row count allows', async () => {
    // Kept as a call count on purpose: the bound is on what one statement carries (MySQL refuses a
    // statement beyond max_allowed_packet), and the test database accepts larger ones, so the
    // number of INSERTs is the only place the limit shows before a production server refuses it.
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
    const acks = records.map((r) => log.append(r));
    // SQLite commits statement by statement: the second statement fails; MySQL the batch at once.
    const failed = databaseDown({ afterInserts: t.database.kind === 'sqlite' ? 1 : 0 });
    const flushed = log.flush();
    await failed.reported;
    // On SQLite the first 100 rows are in.
    expect(log.pending).toBe(t.database.kind === 'sqlite' ? 50 : records.length);
    expect(acks.some((ack) => ack.done)).toBe(false); // one group: acknowledged when all of it is in
    failed.recover();
    await flushed;
    expect(acks.every((ack) => ack.done)).toBe(true);
    expect((await stored('retry')).map((row) => row.clientTimestamp)).toEqual(
      records.map((r) => r.clientTimestamp),
    );
  });

  it('acknowledges frames only once they are committed, one group per write', async () => {
    const first = log.append(record('ack', 0));
    const second = log.append(record('ack', 1));
    expect(second).toBe(first); // appended before the write began: one group commit
    expect(first.done).toBe(false);
    const written = log.flush();
    const third = log.append(record('ack', 2)); // while the first write runs: the next group
    expect(third).not.toBe(first);
    await first.promise;
    expect(await stored('ack')).toHaveLength(2);
    await written;
    await log.flush();
    expect(third.done).toBe(true);
  });

  it('isolates a row the database refuses: the rows around it are stored, nothing is retried forever', async () => {
    const records = Array.from({ length: 300 }, (_, i) => record('poisoned', i));
    (records[150] as { outcome: string | null }).outcome = null; // NOT NULL on both databases
    // What a Java client's ZonedDateTime gives, and longer: MySQL refuses it for the column.
    records[200].clientTimestamp = '2026-12-02T02:00:00.123456789+01:00[Europe/Madrid]'.padEnd(80, 'x');
    const alerts = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const acks = records.map((r) => log.append(r));
    await log.flush();
    expect(acks.every((ack) => ack.done)).toBe(true);

    const rows = await stored('poisoned');
    expect(rows).toHaveLength(299); // every row but the one no repair can save
    expect(rows.map((row) => row.frameBytes)).toEqual(
      records.filter((_, i) => i !== 150).map((r) => r.frameBytes),
    );
    const nullOutcome = alerts.mock.calls.find(([, message]) =>
      String(message).includes('refused a frame twice'),
    );
    expect(nullOutcome?.[0]).toMatchObject({ frame: { slotId: 'poisoned', data: expect.any(String) } });
    const long = rows.find((row) => row.clientTimestamp.startsWith('2026-12-02T02'));
    if (t.database.kind === 'mysql') {
      expect(long?.clientTimestamp).toHaveLength(64);
      expect(long?.storeError).toMatch(/too long/i);
    } else expect(long?.clientTimestamp).toHaveLength(80); // SQLite does not enforce lengths
    expect(rows.filter((row) => row.storeError !== null)).toHaveLength(t.database.kind === 'mysql' ? 1 : 0);
  });

  it('publishes the rows it committed with the ids the database gave them, repaired rows too', async () => {
    const feed = t.app.get(PacketFeed);
    const published: Packet[] = [];
    const unsubscribe = await feed.subscribe(`spacecraft:${FOLLOWED_SPACECRAFT}`, {
      packets: (packets) => published.push(...(packets as Packet[])),
      lost: () => undefined,
    });
    const records = Array.from({ length: ROWS_PER_STATEMENT.mysql + 150 }, (_, i) => record('published', i));
    records[40].clientTimestamp = 'x'.repeat(80); // refused by MySQL: stored (and published) repaired
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      for (const r of records) log.append(r);
      await log.flush();
    } finally {
      unsubscribe();
    }
    const rows = await stored('published');
    expect(rows).toHaveLength(records.length);
    const followed = rows.filter((row) => row.spacecraftId === FOLLOWED_SPACECRAFT);
    const plain = (packets: Packet[]) =>
      packets.map((p) => ({ ...p, data: Buffer.from(p.data) })).sort((a, b) => a.id - b.id);
    expect(plain(published)).toEqual(plain(followed));
    expect(published.filter((p) => p.storeError !== null)).toHaveLength(t.database.kind === 'mysql' ? 1 : 0);

    // Nobody listening: nothing is built or published.
    const publish = jest.spyOn(feed, 'publish');
    log.append(record('unheard', 0));
    await log.flush();
    expect(publish).not.toHaveBeenCalled();
  });
});

/**
 * Makes the database fail (as a lost connection does, not for any row's values) after
 * `afterTransactions` more transactions, until `recover()`; `reported` resolves when the log
 * has said its write failed.
 */
function databaseDown({ afterInserts = 0 } = {}) {
  const reported = new Promise<void>((resolve) =>
    jest.spyOn(Logger.prototype, 'error').mockImplementationOnce(() => resolve()),
  );
  const real = EntityManager.prototype.query;
  let allowed = afterInserts;
  let down = true;
  const spy = jest.spyOn(EntityManager.prototype, 'query').mockImplementation(function (
    this: EntityManager,
    ...args: Parameters<EntityManager['query']>
  ) {
    if (down && args[0].startsWith('INSERT') && allowed-- <= 0)
      return Promise.reject(new Error('Connection lost: The server closed the connection.'));
    return real.apply(this, args);
  });
  return {
    reported,
    recover: () => {
      down = false;
      spy.mockRestore();
    },
  };
}

/** Varied values: both directions and outcomes, nulls, millisecond times, binary data. */
/** The spacecraft of most test records (the others have none: nobody can follow them). */
const FOLLOWED_SPACECRAFT = 'b6a4c3e2-0000-4000-8000-000000000002';

function record(slotId: string, i: number): PacketRecord {
  const rejected = i % 5 === 4;
  return {
    slotId,
    stationId: 'b6a4c3e2-0000-4000-8000-000000000001',
    spacecraftId: i % 11 ? FOLLOWED_SPACECRAFT : null,
    sequence: i % 13 ? i + 1 : null,
    frequencyHz: i % 2 ? 437_250_000.5 : null,
    dedupKey: null,
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
