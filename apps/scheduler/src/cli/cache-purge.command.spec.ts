import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { testDatabaseUrls } from '@btc/data/testing';
import type { TicketCacheDoc } from '@btc/data';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';
import { buildCli } from '../cli';

const FIRST = 15_001;
const DAY = 86_400;
let h: Harness;
let printed: string[];
const saved = { ...process.env };

beforeAll(async () => {
  h = await openHarness({ users: 3, passesPerUser: 2, firstUserId: FIRST });
  const { mysqlUrl, mongoUrl } = testDatabaseUrls();
  Object.assign(process.env, { MYSQL_URL: mysqlUrl, MONGO_URL: mongoUrl });
});
beforeEach(async () => {
  await h.reset();
  await h.seedTokens();
  printed = [];
  jest.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
});
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  process.env = saved;
  await h?.close();
});

const cli = (...args: string[]) =>
  buildCli()
    .exitOverride()
    .parseAsync(['node', 'cli', ...args]);
const deps = () => h.dependencies.deps;
const leftOf = async (userId: number) => ({
  cacheDocument: await deps().cache.exists({ userId }),
  auditEntries: await deps().logs.countByUserId({ userId }),
  schedulingState: (await deps().states.find(userId)) !== null,
});

/** A cache document last written `ageSeconds` ago, with its refresh state. */
async function seedCache(userId: number, ageSeconds: number): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000) - ageSeconds;
  const doc: TicketCacheDoc = {
    user_id: userId,
    timestamp,
    passes: [],
    passes4: [],
    passesLog: [],
    passes4Log: [],
    version: 1,
    refresh_id: 'seeded',
    refresh_summary: null,
    pending: null,
    announced_free: [],
  };
  await deps().cache.commit({ userId }, doc, { expectedVersion: null });
  await deps().states.record({
    userId,
    refreshedAt: timestamp,
    checkedAt: timestamp,
    cacheVersion: 1,
    listHashes: { passes: null, passes4: null },
    passCount: 0,
    outcome: 'built',
    trigger: 'manual',
    runRef: 'seeded',
  });
}

describe('cli cache purge', () => {
  jest.setTimeout(120_000);

  it('without --yes and no terminal to ask, it says what would be removed, refuses, and removes nothing', async () => {
    const userId = FIRST;
    await h.withWorkers((taskQueue) => requestTicketRefresh(h.client, userId, { taskQueue, wait: true }));
    const before = await leftOf(userId);
    expect(before).toEqual({ cacheDocument: true, auditEntries: 2, schedulingState: true });

    await expect(cli('cache', 'purge', String(userId))).rejects.toThrow(
      `refusing to purge user ${userId}'s ticket data for good without --yes: stdin is not a terminal`,
    );
    expect(printed.join('\n')).toContain(
      `cache purge of user ${userId} would remove: the cache document, 2 audit entries, 0 quarantined effects, the refresh state`,
    );
    expect(await leftOf(userId)).toEqual(before);
    expect(await deps().tombstones.find(userId)).toBeNull();
  });

  it('with --yes --json it runs the purge, prints what it removed, and the rider stays purged', async () => {
    const userId = FIRST + 1;
    await h.withWorkers(async (taskQueue) => {
      await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
      await cli(
        'cache',
        'purge',
        String(userId),
        '--yes',
        '--json',
        '--task-queue',
        taskQueue,
        '--settle-minutes',
        '0',
      );
      const out = JSON.parse(printed.join('\n')) as Record<string, unknown>;
      expect(out).toMatchObject({
        userId,
        purged: true,
        removed: { cacheDocument: true, auditEntries: 2, quarantined: 0, schedulingState: true },
      });
      expect(out['purgedAt']).toBe((await deps().tombstones.find(userId))?.purgedAt);
      expect(await requestTicketRefresh(h.client, userId, { taskQueue, wait: true })).toMatchObject({
        outcome: 'purged',
      });
    });
    expect(await leftOf(userId)).toEqual({ cacheDocument: false, auditEntries: 0, schedulingState: false });
  });

  it('refuses a user id that is not a positive integer', async () => {
    await expect(cli('cache', 'purge', 'abc', '--yes')).rejects.toThrow(
      'user id must be a positive integer, got "abc"',
    );
  });
});

describe('cli cache purge-orphans', () => {
  jest.setTimeout(60_000);
  const withToken = FIRST; // has a bytemark_tokens row: never an orphan, however old
  const pastGrace = 99_001; // no token row, last written 10 days ago
  const withinGrace = 99_002; // no token row, last written 2 days ago

  beforeEach(async () => {
    await seedCache(withToken, 30 * DAY);
    await seedCache(pastGrace, 10 * DAY);
    await seedCache(withinGrace, 2 * DAY);
  });
  const report = () => JSON.parse(printed.join('\n')) as Record<string, unknown>;

  it('a dry run lists the caches of users without a token row past the grace period and deletes nothing', async () => {
    await cli('cache', 'purge-orphans', '--json');
    expect(report()).toMatchObject({
      execute: false,
      graceSeconds: 7 * DAY,
      scanned: 3,
      pastGrace: [expect.objectContaining({ userId: pastGrace })],
      withinGrace: 1,
      deleted: 0,
    });
    for (const userId of [withToken, pastGrace, withinGrace]) expect(await deps().cache.exists({ userId })).toBe(true);

    printed = [];
    await cli('cache', 'purge-orphans', '--grace-days', '1');
    expect(printed.join('\n')).toContain('orphaned, past 1 days: 2 (would be deleted)');
    expect(printed.join('\n')).toMatch(new RegExp(`user ${withinGrace}: last written .*, 2 days ago`));
  });

  it('--execute deletes only the orphans past the grace period, with their refresh state', async () => {
    await cli('cache', 'purge-orphans', '--execute', '--json');
    expect(report()).toMatchObject({ execute: true, deleted: 1, changedMeanwhile: 0, withinGrace: 1 });
    expect(await leftOf(pastGrace)).toEqual({ cacheDocument: false, auditEntries: 0, schedulingState: false });
    expect(await leftOf(withToken)).toMatchObject({ cacheDocument: true, schedulingState: true });
    expect(await leftOf(withinGrace)).toMatchObject({ cacheDocument: true, schedulingState: true });
  });

  it('refuses a grace period that is not a number of days', async () => {
    await expect(cli('cache', 'purge-orphans', '--grace-days', 'soon')).rejects.toThrow(
      '--grace-days must be a number from 0 to 3650, got "soon"',
    );
  });
});
