import { MockActivityEnvironment } from '@temporalio/testing';
import type { Sequelize } from 'sequelize';
import { PassInteractionRepository, TransientDatabaseError, createSequelize, type StagingRepository } from '@btc/data';
import { ensureTestMysqlDatabase, testDatabaseUrls, truncateMysqlTables } from '@btc/data/testing';
import { createResearchActivities } from './research.activities';

/** Inline batches never read staging; a staged batch is not part of these tests. */
const noStaging = {
  get: () => Promise.reject(new Error('staging is not used by inline batches')),
} as unknown as StagingRepository;

const batch = [
  { bytemarkPassId: 1, userId: 'a', loggedOn: '2025-03-01T10:00:00Z' },
  { bytemarkPassId: 2, userId: 'b', loggedOn: '2025-03-01T10:00:00Z' },
  { bytemarkPassId: 3, userId: 'c', loggedOn: 1_740_823_200 as unknown as string }, // epoch seconds from a careless producer
];

describe('ingestPassInteractions activity on MariaDB', () => {
  let mysqlUrl: string;
  let sequelize: Sequelize;

  beforeAll(async () => {
    mysqlUrl = testDatabaseUrls().mysqlUrl;
    await ensureTestMysqlDatabase(mysqlUrl);
    sequelize = createSequelize(mysqlUrl);
  });
  beforeEach(() => truncateMysqlTables(sequelize, ['hntb_bytemark_pass']));
  afterAll(() => sequelize.close());

  it('inserts the valid rows and reports the numeric loggedOn as a reject with its reason', async () => {
    const { ingestPassInteractions } = createResearchActivities({
      interactions: new PassInteractionRepository(sequelize),
      staging: noStaging,
    });
    const result = await new MockActivityEnvironment().run(ingestPassInteractions, { rows: batch });
    expect(result).toEqual({
      inserted: 2,
      duplicates: 0,
      rejected: 1,
      rejects: [{ index: 2, reason: expect.stringMatching(/loggedOn must be an ISO-8601 date-time string/) }],
    });
  });

  it('fails with TransientDatabaseError on a lock wait timeout instead of reporting rows as rejected, and the retry inserts them', async () => {
    const impatient = createSequelize(mysqlUrl, { pool: { max: 1 } });
    impatient.addHook('afterConnect', async (connection: unknown) => {
      await (connection as { promise(): { query(sql: string): Promise<unknown> } })
        .promise()
        .query('SET SESSION innodb_lock_wait_timeout = 1');
    });
    const locker = createSequelize(mysqlUrl, { pool: { max: 1 } });
    const { ingestPassInteractions } = createResearchActivities({
      interactions: new PassInteractionRepository(impatient),
      staging: noStaging,
    });
    try {
      const lock = await locker.transaction();
      await locker.query(
        "INSERT INTO hntb_bytemark_pass (bytemark_pass_id, user_id, logged_on) VALUES (2, 'other', NOW())",
        { transaction: lock },
      );
      await expect(new MockActivityEnvironment().run(ingestPassInteractions, { rows: batch })).rejects.toBeInstanceOf(
        TransientDatabaseError,
      );
      await lock.rollback();
      const retry = await new MockActivityEnvironment({ attempt: 2 }).run(ingestPassInteractions, { rows: batch });
      expect(retry).toMatchObject({ inserted: 2, duplicates: 0, rejected: 1 });
    } finally {
      await Promise.all([impatient.close(), locker.close()]);
    }
  });
});
