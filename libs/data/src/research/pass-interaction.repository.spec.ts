import { QueryTypes, type Sequelize } from 'sequelize';
import { openTestConnections, truncateMysqlTables } from '../testing';
import { PassInteractionRepository } from './pass-interaction.repository';
import { MAX_PASS_ID, validatePassInteraction } from './pass-interaction.validation';

describe('PassInteractionRepository on MariaDB', () => {
  let db: Awaited<ReturnType<typeof openTestConnections>>;
  let sequelize: Sequelize;
  let repo: PassInteractionRepository;

  beforeAll(async () => {
    db = await openTestConnections();
    sequelize = db.sequelize;
    repo = new PassInteractionRepository(sequelize);
  });
  beforeEach(() => truncateMysqlTables(sequelize, ['hntb_bytemark_pass']));
  afterAll(() => db.close());

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
      expect.stringMatching(/loggedOn is not a valid date/),
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
    const rows = await sequelize.query<{ id: number; t: string }>(
      "SELECT bytemark_pass_id AS id, DATE_FORMAT(logged_on, '%Y-%m-%d %H:%i:%s') AS t FROM hntb_bytemark_pass ORDER BY id",
      { type: QueryTypes.SELECT },
    );
    expect(rows[0]?.t).toBe('2025-03-13 07:37:54');
    const defaulted = Date.parse(`${rows[1]!.t.replace(' ', 'T')}Z`);
    expect(defaulted).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(defaulted).toBeLessThanOrEqual(Date.now());
  });
});

describe('validatePassInteraction', () => {
  const now = new Date('2025-06-01T00:00:00Z');

  it('accepts the largest unsigned INT pass id and a 256-character user id', () => {
    expect(validatePassInteraction({ bytemarkPassId: MAX_PASS_ID, userId: 'u'.repeat(256) }, now)).toMatchObject({
      ok: true,
    });
  });

  it('refuses a fractional pass id, a numeric user id and a date a week ahead, naming the field', () => {
    expect(validatePassInteraction({ bytemarkPassId: 1.5, userId: 'u' }, now)).toEqual({
      ok: false,
      reason: expect.stringContaining('bytemarkPassId'),
    });
    expect(validatePassInteraction({ bytemarkPassId: 1, userId: 7 }, now)).toEqual({
      ok: false,
      reason: expect.stringContaining('userId'),
    });
    expect(validatePassInteraction({ bytemarkPassId: 1, userId: 'u', loggedOn: '2025-06-08T00:00:00Z' }, now)).toEqual({
      ok: false,
      reason: expect.stringContaining('future'),
    });
  });
});
