import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../connections';
import { ensureTestMysqlDatabase, testDatabaseUrls, testMysqlUrl, truncateMysqlTables } from '../testing';
import { DatabaseOperationError, TransientDatabaseError } from '../errors';
import { PassInteractionRepository } from './pass-interaction.repository';
import { MAX_PASS_ID } from './pass-interaction.validation';

/** A Sequelize whose sessions give up waiting for a row lock after one second (instead of 50). */
function impatientSequelize(mysqlUrl: string): Sequelize {
  const sequelize = createSequelize(mysqlUrl, { pool: { max: 1 } });
  sequelize.addHook('afterConnect', async (connection: unknown) => {
    await (connection as { promise(): { query(sql: string): Promise<unknown> } })
      .promise()
      .query('SET SESSION innodb_lock_wait_timeout = 1');
  });
  return sequelize;
}

const rows = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => ({
    bytemarkPassId: from + i,
    userId: `user-${i % 13}`,
    loggedOn: '2025-03-01T10:00:00Z',
  }));

describe('PassInteractionRepository on MariaDB', () => {
  let mysqlUrl: string;
  let sequelize: Sequelize;
  let repo: PassInteractionRepository;

  beforeAll(async () => {
    mysqlUrl = testDatabaseUrls().mysqlUrl;
    await ensureTestMysqlDatabase(mysqlUrl);
    sequelize = createSequelize(mysqlUrl);
    repo = new PassInteractionRepository(sequelize);
  });
  beforeEach(() => truncateMysqlTables(sequelize, ['hntb_bytemark_pass']));
  afterAll(() => sequelize.close());

  it('inserts 9,992 of 10,000 rows and reports each of the 3 duplicates and 5 invalid rows; again, inserts nothing', async () => {
    await repo.logOne({ bytemarkPassId: 500, userId: 'already-there', loggedOn: '2025-01-01T00:00:00Z' });
    const batch: unknown[] = Array.from({ length: 10_000 }, (_, i) => ({
      bytemarkPassId: i + 1,
      userId: `user-${i % 97}`,
      loggedOn: new Date(Date.UTC(2025, 2, 1) + i * 60_000).toISOString(),
    }));
    batch[10] = { ...(batch[10] as object), bytemarkPassId: 42 }; // id 42 again at index 41: that one is the duplicate
    batch[20] = { ...(batch[20] as object), bytemarkPassId: 43 }; // repeats id 43
    // index 499 carries id 500, already in the table
    batch[1000] = { bytemarkPassId: -1, userId: 'u' };
    batch[2000] = { bytemarkPassId: MAX_PASS_ID + 1, userId: 'u' };
    batch[3000] = { bytemarkPassId: 3001, userId: '' };
    batch[4000] = { bytemarkPassId: 4001, userId: 'x'.repeat(257) };
    batch[5000] = { bytemarkPassId: 5001, userId: 'u', loggedOn: 'not a date' };

    const first = await repo.logBatch(batch);
    expect(first.inserted).toBe(9_992);
    expect(first.duplicates.map((d) => d.index).sort((a, b) => a - b)).toEqual([41, 42, 499]); // the later occurrence of 42 and 43, and 500
    expect(first.rejected.map((r) => r.index)).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(first.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/bytemarkPassId must be a positive integer/),
      expect.stringMatching(/exceeds INT UNSIGNED/),
      expect.stringMatching(/userId must be a non-empty string/),
      expect.stringMatching(/at most 256/),
      expect.stringMatching(/loggedOn "not a date" is not an ISO-8601 date-time/),
    ]);
    expect(await repo.countAll()).toBe(9_993);

    const second = await repo.logBatch(batch);
    expect(second.inserted).toBe(0);
    expect(second.duplicates).toHaveLength(9_995);
    expect(second.rejected).toHaveLength(5);
    expect(await repo.countAll()).toBe(9_993);
  });

  it('stores loggedOn in UTC and defaults it to now', async () => {
    const before = Date.now();
    await repo.logBatch([
      { bytemarkPassId: 1, userId: 'a', loggedOn: '2025-03-13T02:37:54-05:00' },
      { bytemarkPassId: 2, userId: 'a' },
    ]);
    const stored = await sequelize.query<{ id: number; t: string }>(
      "SELECT bytemark_pass_id AS id, DATE_FORMAT(logged_on, '%Y-%m-%d %H:%i:%s') AS t FROM hntb_bytemark_pass ORDER BY id",
      { type: QueryTypes.SELECT },
    );
    expect(stored[0]?.t).toBe('2025-03-13 07:37:54');
    const defaulted = Date.parse(`${stored[1]!.t.replace(' ', 'T')}Z`);
    expect(defaulted).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(defaulted).toBeLessThanOrEqual(Date.now());
  });

  it('rejects a loggedOn in epoch seconds or milliseconds, or without a time zone, and stores no 1970 date', async () => {
    const report = await repo.logBatch([
      { bytemarkPassId: 1, userId: 'a', loggedOn: 1_741_833_474 }, // seconds
      { bytemarkPassId: 2, userId: 'a', loggedOn: 1_741_833_474_000 }, // milliseconds
      { bytemarkPassId: 3, userId: 'a', loggedOn: '1741833474' },
      { bytemarkPassId: 4, userId: 'a', loggedOn: '2025-03-13T02:37:54' },
      { bytemarkPassId: 5, userId: 'a', loggedOn: '2025-03-13T02:37:54Z' },
    ]);
    expect(report.inserted).toBe(1);
    expect(report.rejected).toEqual([
      {
        index: 0,
        reason: expect.stringMatching(/loggedOn must be an ISO-8601 date-time string .*the number 1741833474/),
      },
      {
        index: 1,
        reason: expect.stringMatching(/loggedOn must be an ISO-8601 date-time string .*seconds or milliseconds/),
      },
      { index: 2, reason: expect.stringMatching(/not an ISO-8601 date-time/) },
      { index: 3, reason: expect.stringMatching(/no time zone designator/) },
    ]);
    const [oldest] = await sequelize.query<{ t: string }>(
      "SELECT DATE_FORMAT(MIN(logged_on), '%Y-%m-%d %H:%i:%s') AS t FROM hntb_bytemark_pass",
      { type: QueryTypes.SELECT },
    );
    expect(oldest?.t).toBe('2025-03-13 02:37:54');
  });

  it('throws TransientDatabaseError on a lock wait timeout, keeps nothing of the batch, and a retry reports what a clean run would', async () => {
    const impatient = impatientSequelize(mysqlUrl);
    const locker = createSequelize(mysqlUrl, { pool: { max: 1 } });
    try {
      const lock = await locker.transaction();
      // Another transaction holds pass id 1500 (uncommitted): the batch's second chunk waits for it.
      await locker.query(
        "INSERT INTO hntb_bytemark_pass (bytemark_pass_id, user_id, logged_on) VALUES (1500, 'other', NOW())",
        {
          transaction: lock,
        },
      );
      const batch = [...rows(2_000), { bytemarkPassId: 0, userId: 'invalid' }];
      const failure = await new PassInteractionRepository(impatient).logBatch(batch).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TransientDatabaseError);
      expect(failure).toMatchObject({ name: 'TransientDatabaseError', code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 });
      expect((failure as Error).message).toBe(
        'transient database error during insert into hntb_bytemark_pass (ER_LOCK_WAIT_TIMEOUT, errno 1205); safe to retry',
      );
      await lock.rollback();
      expect(await repo.countAll()).toBe(0); // the first chunk was rolled back with the rest

      const retried = await new PassInteractionRepository(impatient).logBatch(batch);
      expect(retried).toEqual({
        inserted: 2_000,
        duplicates: [],
        rejected: [{ index: 2_000, reason: expect.stringContaining('bytemarkPassId') }],
      });
    } finally {
      await Promise.all([impatient.close(), locker.close()]);
    }
  });

  it('throws TransientDatabaseError when its connection is killed mid-batch (KILL CONNECTION)', async () => {
    const victim = createSequelize(mysqlUrl, { pool: { max: 1 } });
    const locker = createSequelize(mysqlUrl, { pool: { max: 1 } });
    try {
      const lock = await locker.transaction();
      await locker.query(
        "INSERT INTO hntb_bytemark_pass (bytemark_pass_id, user_id, logged_on) VALUES (7, 'other', NOW())",
        {
          transaction: lock,
        },
      );
      const pending = new PassInteractionRepository(victim).logBatch(rows(10)).catch((e: unknown) => e);
      let waiting: number | undefined;
      for (let i = 0; i < 100 && waiting === undefined; i++) {
        const [row] = await sequelize.query<{ id: number }>(
          "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE 'INSERT INTO hntb_bytemark_pass (bytemark_pass_id, user_id, logged_on) VALUES (1, %'",
          { type: QueryTypes.SELECT },
        );
        if (row) waiting = Number(row.id);
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(waiting).toBeDefined();
      await sequelize.query(`KILL CONNECTION ${waiting}`);
      const failure = await pending;
      await lock.rollback();
      expect(failure).toBeInstanceOf(TransientDatabaseError);
      // MariaDB sends ER_CONNECTION_KILLED (1927) or just closes the socket, depending on the wait.
      expect((failure as TransientDatabaseError).code).toMatch(/^(PROTOCOL_CONNECTION_LOST|ER_CONNECTION_KILLED)$/);
      expect(await repo.countAll()).toBe(0);
    } finally {
      await Promise.all([victim.close(), locker.close()]);
    }
  });

  it('throws TransientDatabaseError when the server refuses connections, without the password in the message', async () => {
    const url = new URL(mysqlUrl);
    url.username = 'root';
    url.password = 'S3cret-research';
    url.port = '1'; // nothing listens there
    const unreachable = createSequelize(url.toString());
    try {
      const failure = await new PassInteractionRepository(unreachable).logBatch(rows(3)).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TransientDatabaseError);
      expect(failure).toMatchObject({ code: 'ECONNREFUSED', errorName: 'SequelizeConnectionRefusedError' });
      expect(JSON.stringify(failure) + String(failure)).not.toContain('S3cret-research');
    } finally {
      await unreachable.close();
    }
  });

  it('throws DatabaseOperationError, not a reject per row, when the table is missing', async () => {
    const emptyUrl = testMysqlUrl('research_no_tables_test');
    await ensureTestMysqlDatabase(emptyUrl);
    const empty = createSequelize(emptyUrl);
    try {
      const failure = await new PassInteractionRepository(empty).logBatch(rows(3)).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DatabaseOperationError);
      expect(failure).toMatchObject({
        code: 'ER_NO_SUCH_TABLE',
        errno: 1146,
        operation: 'insert into hntb_bytemark_pass',
      });
    } finally {
      await empty.close();
    }
  });
});
