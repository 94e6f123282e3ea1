/**
 * The cut-over of docs/TAKEOVER.md, rehearsed on a copy of the original platform's state that this
 * file builds itself: its MySQL tables (as its knex migrations created them) with rows, plaintext
 * tokens, ObjectId cache documents with `md5(JSON.stringify(payload))` hashes and second and
 * millisecond timestamps, its audit log and pending refresh-log rows. Then: migrate → adopt → one
 * hourly sweep (the real workflow on a harness worker) → one run of the refresh-log queue.
 *
 * Own databases (`bytemark_takeover_test`), user ids from 8001. `TAKEOVER_REHEARSAL_USERS=1000`
 * runs it on 1,000 users (default 200); the numbers are printed.
 */
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { QueryTypes, type Sequelize } from 'sequelize';
import {
  OriginalCacheAdoption,
  TICKET_CACHE_COLLECTION,
  TICKET_LOG_COLLECTION,
  createSequelize,
  passPayloadHash,
  storedPassListHash,
  type OriginalCacheAdoptionReport,
} from '@btc/data';
import { ensureTestMysqlDatabase, testMongoUrl, testMysqlUrl } from '@btc/data/testing';
import { readAdoptions, migrateUp } from '@btc/migrations';
import { createOriginalPlatformSchema, snapshotTables } from '@btc/migrations/testing';
import { listHashes } from '@btc/activities';
import { sweepWorkflowId, type RefreshQueueResult, type SweepProgress } from '@btc/workflows';
import { processRefreshLogQueueWorkflow, refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import type { BytemarkPass } from '@btc/bytemark-client';
import type { SimPass } from '@btc/bytemark-simulator';
import { openHarness, startHttpRecorder, type Harness } from '@btc/worker-runtime/testing';

const USERS = Number(process.env['TAKEOVER_REHEARSAL_USERS'] ?? 200);
const FIRST = 8001;
/** A user of the original with a cache document but no Bytemark token (never refreshed). */
const NO_TOKEN_USER = FIRST + USERS;
const DATABASE = 'bytemark_takeover_test';
const CURRENT = new Set(['USABLE', 'USING']);
/** When the original last refreshed the caches: two hours ago, so the first sweep finds them stale. */
const WRITTEN = Math.floor(Date.now() / 1000) - 7200;
const { ObjectId } = mongoose.mongo;

const mysqlUrl = testMysqlUrl(DATABASE);
const mongoUrl = testMongoUrl(DATABASE);
const ORIGINAL_TABLES = [
  'bytemark_tokens',
  'bytemark_ticket_refresh_log',
  'hntb_trip',
  'knex_migrations',
  'knex_migrations_lock',
];

interface Doc {
  _id: mongoose.mongo.ObjectId | string;
  [field: string]: unknown;
}
interface LogRow {
  id: number;
  user_id: number;
  activity_type: number;
  status: number;
  note: string | null;
  scheduled_on: Date | null;
  created_on: Date;
  modified_on: Date;
}

let h: Harness;
let sequelize: Sequelize;
let notifications: Awaited<ReturnType<typeof startHttpRecorder>>;
const savedEnv = { mysql: process.env['TEST_MYSQL_URL'], mongo: process.env['TEST_MONGO_URL'] };
const db = () => h.dependencies.mongo.db!;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const rows = <T extends object>(sql: string) => sequelize.query<T>(sql, { type: QueryTypes.SELECT });

/** A cache document as the original wrote it (domain §2.1, §4.1): lists sorted by `time_created`, payloads verbatim. */
function originalCacheDoc(userId: number, passes: SimPass[], inMilliseconds: boolean): Doc {
  const ts = inMilliseconds ? WRITTEN * 1000 + (userId % 1000) : WRITTEN;
  const entries = (list: SimPass[]) =>
    [...list]
      .sort((a, b) => a.time_created.localeCompare(b.time_created))
      .map((payload) => ({
        pass_uuid: payload.uuid,
        timestamp: ts,
        status: payload.status,
        free_ticket_status: 0,
        payload,
        payload_hash: md5(JSON.stringify(payload)),
      }));
  const v1 = passes.filter((p) => CURRENT.has(p.status));
  const v4 = passes.filter((p) => !CURRENT.has(p.status));
  const envelope = (n: number) => ({
    errors: [],
    server_time: '2025-06-01T10:00:00Z',
    data: { page_count: n, total_count: n },
  });
  return {
    _id: new ObjectId(),
    user_id: userId,
    timestamp: ts,
    passes: entries(v1),
    passes4: entries(v4),
    passesLog: [envelope(v1.length)],
    passes4Log: [envelope(v4.length)],
    __v: 0,
  };
}

/** The original platform's state: tables with rows, plaintext tokens, its cache and audit documents. */
async function buildOriginalPlatform(): Promise<{
  originals: Doc[];
  dueRowIds: number[];
  dueUsers: number[];
  notifyUser: number;
}> {
  await createOriginalPlatformSchema(sequelize);
  const accounts = await h.admin.users();
  const values = accounts.map((a) => [a.userId, a.email, a.password, a.token, 'used']);
  values.push([NO_TOKEN_USER, `bytemark.${NO_TOKEN_USER}@mail.connectsmartx.com`, 'Pw0000000000', null, 'used']);
  await sequelize.query(`INSERT INTO bytemark_tokens (user_id, email, password, token, status) VALUES ?`, {
    replacements: [values],
  });
  await sequelize.query(
    `INSERT INTO hntb_trip (user_id, trip_start, mode) VALUES ('h${FIRST}', '2025-05-01 08:00:00', 1)`,
  );
  await sequelize.query(
    `INSERT INTO knex_migrations (name, batch, migration_time) VALUES
     ('20230419150407_create_bytemark_ticket_refresh_log.js', 1, '2023-04-19 15:04:07'),
     ('20230918101500_add_user_id_unique_idx_to_bytemark_tokens.js', 2, '2023-09-18 10:15:00')`,
  );
  await sequelize.query('INSERT INTO knex_migrations_lock (is_locked) VALUES (0)');
  // The queue as the original left it: due refreshes (type 1, type 3 past due), one not due yet,
  // one pending free-ticket push (type 2), and rows it had processed.
  const u = (i: number) => FIRST + i;
  await sequelize.query(
    `INSERT INTO bytemark_ticket_refresh_log (user_id, activity_type, status, note, scheduled_on, created_on, modified_on) VALUES
     (${u(1)}, 1, 0, NULL, NULL, '2025-06-01 09:00:00', '2025-06-01 09:00:00'),
     (${u(1)}, 3, 0, NULL, '2025-06-01 12:00:00', '2025-06-01 09:00:00', '2025-06-01 09:00:00'),
     (${u(1)}, 3, 0, NULL, '2099-01-01 15:00:00', '2025-06-01 09:00:00', '2025-06-01 09:00:00'),
     (${u(2)}, 1, 0, 'passUse:x', NULL, '2025-06-01 09:01:00', '2025-06-01 09:01:00'),
     (${u(3)}, 3, 0, NULL, '2025-06-02 15:00:00', '2025-06-01 09:02:00', '2025-06-01 09:02:00'),
     (${u(4)}, 2, 0, 'free:legacy', NULL, '2025-06-01 09:03:00', '2025-06-01 09:03:00'),
     (${u(5)}, 1, 1, NULL, NULL, '2025-05-01 09:00:00', '2025-05-01 09:05:00'),
     (${u(5)}, 2, 1, 'free:old', NULL, '2025-05-01 09:00:00', '2025-05-01 09:05:00')`,
  );
  const due = await rows<{ id: number; user_id: number }>(
    `SELECT id, user_id FROM bytemark_ticket_refresh_log
     WHERE status = 0 AND (activity_type = 1 OR (activity_type = 3 AND scheduled_on <= NOW())) ORDER BY id`,
  );

  // MongoDB: one document per user as the original wrote it; every other user in milliseconds.
  const originals: Doc[] = [];
  for (const a of accounts)
    originals.push(originalCacheDoc(a.userId, await h.admin.passes(a.userId), a.userId % 2 === 1));
  originals.push(originalCacheDoc(NO_TOKEN_USER, [], false));
  for (let i = 0; i < originals.length; i += 500) {
    await db()
      .collection<Doc>(TICKET_CACHE_COLLECTION)
      .insertMany(originals.slice(i, i + 500));
  }
  await db()
    .collection<Doc>(TICKET_LOG_COLLECTION)
    .insertMany(
      originals.slice(0, 20).map((d) => {
        const entry = (d['passes'] as Array<Record<string, unknown>>)[0] ?? { pass_uuid: 'none', status: 'NONE' };
        return {
          _id: new ObjectId(),
          user_id: d['user_id'],
          timestamp: WRITTEN,
          uuid: entry['pass_uuid'],
          status: entry['status'],
        };
      }),
    );
  return {
    originals,
    dueRowIds: due.map((r) => Number(r.id)),
    dueUsers: [...new Set(due.map((r) => Number(r.user_id)))],
    notifyUser: u(4),
  };
}

beforeAll(async () => {
  process.env['TEST_MYSQL_URL'] = mysqlUrl;
  process.env['TEST_MONGO_URL'] = mongoUrl;
  // A fresh database each run: the original's tables are created by this file, ours by the migrations.
  await ensureTestMysqlDatabase(mysqlUrl);
  sequelize = createSequelize(mysqlUrl, { logging: false });
  const tables = await rows<{ name: string }>(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
  );
  for (const t of tables) await sequelize.query(`DROP TABLE \`${t.name}\``);
  notifications = await startHttpRecorder();
  h = await openHarness({
    users: USERS,
    passesPerUser: 4,
    firstUserId: FIRST,
    notificationUrl: `${notifications.url}/push`,
  });
  await db().dropDatabase();
}, 120_000);
afterAll(async () => {
  await h?.close();
  await notifications?.close();
  await sequelize?.close();
  process.env['TEST_MYSQL_URL'] = savedEnv.mysql;
  process.env['TEST_MONGO_URL'] = savedEnv.mongo;
  if (savedEnv.mysql === undefined) delete process.env['TEST_MYSQL_URL'];
  if (savedEnv.mongo === undefined) delete process.env['TEST_MONGO_URL'];
});

describe('takeover rehearsal: migrate, adopt, first sweep, queue', () => {
  jest.setTimeout(30 * 60_000);

  it(`the first sweep after takeover of ${USERS} unchanged users writes no audit entry and reads no cache document; no adopted row is lost or changed`, async () => {
    const original = await buildOriginalPlatform();
    const tablesBefore = await snapshotTables(sequelize, ORIGINAL_TABLES);
    const logBefore = await rows<LogRow>('SELECT * FROM bytemark_ticket_refresh_log ORDER BY id');
    const auditBefore = await db().collection(TICKET_LOG_COLLECTION).find({}).toArray();
    const tokensBefore = await rows<{ user_id: number; token: string | null; password: string }>(
      'SELECT user_id, token, password FROM bytemark_tokens ORDER BY user_id',
    );

    // 1. Migrate: the original's tables are adopted, untouched.
    await migrateUp({ mysqlUrl, mongoUrl });
    const adoptions = await readAdoptions(sequelize);
    expect(adoptions.get('0001_create_bytemark_tokens')?.action).toBe('adopted');
    expect(adoptions.get('0002_create_bytemark_ticket_refresh_log')?.action).toBe('adopted');
    expect(await snapshotTables(sequelize, ORIGINAL_TABLES)).toEqual(tablesBefore);
    // Tokens in expand mode: a re-login keeps the plaintext columns readable by the platform's other services.
    expect(await h.dependencies.deps.tokens.storageMode()).toBe('expand');

    // 2. Adopt the cache.
    const report: OriginalCacheAdoptionReport = await new OriginalCacheAdoption({
      mongo: h.dependencies.mongo,
      states: h.dependencies.deps.states,
    }).run({ execute: true });
    const entries = original.originals.flatMap((d) => [
      ...(d['passes'] as Array<{ payload: unknown; payload_hash: string }>),
      ...(d['passes4'] as Array<{ payload: unknown; payload_hash: string }>),
    ]);
    const millisecondUsers = original.originals.filter((d) => Number(d['timestamp']) > 1e11);
    expect(report).toMatchObject({
      documentsSeen: USERS + 1,
      rekeyed: USERS + 1,
      duplicatesRemoved: 0,
      timestampsNormalised: {
        documents: millisecondUsers.length,
        passEntries: millisecondUsers.reduce(
          (n, d) => n + (d['passes'] as unknown[]).length + (d['passes4'] as unknown[]).length,
          0,
        ),
      },
      hashesRewritten: entries.filter((e) => e.payload_hash !== passPayloadHash(e.payload)).length,
      stateRowsWritten: USERS + 1,
      failed: [],
      indexPresent: true,
    });
    // The state's list hashes are what a refresh computes from the same passes, fetched.
    const sample = original.originals[0]!;
    const fetched = (list: string) => ({
      passes: (sample[list] as Array<{ payload: BytemarkPass }>).map((e) => e.payload).reverse(),
      rejects: [],
      envelopes: [],
      pages: 1,
      pagesBeyondNext: 0,
    });
    const refreshHashes = listHashes({ v1: fetched('passes'), v4: fetched('passes4') });
    expect(await h.dependencies.deps.states.find(FIRST)).toMatchObject({
      cacheVersion: 0,
      refreshedAt: WRITTEN,
      listHashes: refreshHashes,
    });
    expect(storedPassListHash(sample['passes'])).toBe(refreshHashes.passes);

    // Passes that changed at Bytemark while the platforms switched: every 25th user, one pass.
    const changedUsers: number[] = [];
    for (let userId = FIRST + 10; userId < FIRST + USERS; userId += 25) {
      const [pass] = await h.admin.passes(userId);
      await h.admin.modifyPass(userId, pass!.uuid, { label_name: 'Changed during the cut-over' });
      changedUsers.push(userId);
    }

    // 3. One hourly sweep, counting the cache documents it reads.
    const { cache } = h.dependencies.deps;
    const read = cache.findByUserId.bind(cache);
    const reads = new Map<number, number>();
    cache.findByUserId = (f) => {
      reads.set(f.userId, (reads.get(f.userId) ?? 0) + 1);
      return read(f);
    };
    const sweepStarted = Date.now();
    const { sweep, queue, queueAgain } = await h.withWorkers(async (taskQueue) => {
      const sweep = (await h.client.workflow.execute(refreshAllTicketCachesWorkflow, {
        taskQueue,
        workflowId: sweepWorkflowId(`takeover-rehearsal-${Date.now()}`),
        args: [{ mode: 'if-stale', trigger: 'hourly', select: 'stale', maxInFlight: 25 }],
      })) as SweepProgress;
      const sweepMs = Date.now() - sweepStarted;
      // 4. The original's queue, once (and again: nothing is left for a second run).
      const runQueue = () =>
        h.client.workflow.execute(processRefreshLogQueueWorkflow, {
          taskQueue,
          workflowId: `takeover-rehearsal-queue-${Date.now()}`,
          args: [{}],
        }) as Promise<RefreshQueueResult>;
      const queue = await runQueue();
      const queueAgain = await runQueue();
      return { sweep: { ...sweep, ms: sweepMs }, queue, queueAgain };
    });
    cache.findByUserId = read;

    const audit = await db().collection(TICKET_LOG_COLLECTION).find({}).toArray();
    const written = audit.filter((d) => typeof d._id === 'string');
    const unchangedUsers = new Set(
      Array.from({ length: USERS }, (_, i) => FIRST + i).filter((u) => !changedUsers.includes(u)),
    );
    const numbers = {
      users: USERS,
      adoptSeconds: report.durationMs / 1000,
      documentsRekeyed: report.rekeyed,
      hashesRewritten: report.hashesRewritten,
      timestampsNormalised: report.timestampsNormalised,
      stateRowsWritten: report.stateRowsWritten,
      sweepSeconds: sweep.ms / 1000,
      sweepOutcomes: sweep.refreshed,
      auditEntriesFirstSweep: written.length,
      auditEntriesUnchangedUsers: written.filter((d) => unchangedUsers.has(Number(d['user_id']))).length,
      cacheDocumentsReadUnchangedUsers: [...reads.keys()].filter((u) => unchangedUsers.has(u)).length,
      queue,
    };
    console.log(`takeover rehearsal on ${USERS} users: ${JSON.stringify(numbers, null, 2)}`);

    // The sweep: every token user refreshed; unchanged users unchanged with no audit entry and no document read.
    expect(sweep.failed).toBe(0);
    expect(sweep.usersSeen).toBe(USERS);
    expect(sweep.refreshed).toEqual({ unchanged: USERS - changedUsers.length, updated: changedUsers.length });
    expect(numbers.auditEntriesUnchangedUsers).toBe(0);
    expect(numbers.cacheDocumentsReadUnchangedUsers).toBe(0);
    expect(written.map((d) => Number(d['user_id'])).sort()).toEqual([...changedUsers].sort());
    const outcomes = await rows<{ outcome: string; n: number }>(
      `SELECT outcome, COUNT(*) AS n FROM bytemark_ticket_cache_state WHERE user_id < ${NO_TOKEN_USER} GROUP BY outcome ORDER BY outcome`,
    );
    expect(Object.fromEntries(outcomes.map((o) => [o.outcome, Number(o.n)]))).toEqual({
      unchanged: USERS - changedUsers.length,
      updated: changedUsers.length,
    });

    // The queue: each due row handled once; the row not yet due, processed rows and others untouched.
    expect(queue).toMatchObject({
      refreshRows: original.dueRowIds.length,
      usersRefreshed: original.dueUsers.length,
      usersDeferred: 0,
      notificationRows: 1,
      notificationsSent: 1,
    });
    expect(queueAgain).toMatchObject({ refreshRows: 0, notificationRows: 0 });
    expect(notifications.requests.filter((r) => r.url === '/push').map((r) => r.body)).toEqual([
      expect.objectContaining({ user_ids: [original.notifyUser] }),
    ]);
    const logAfter = await rows<LogRow>('SELECT * FROM bytemark_ticket_refresh_log ORDER BY id');
    const handled = new Set([
      ...original.dueRowIds,
      ...logBefore.filter((r) => r.activity_type === 2 && r.status === 0).map((r) => r.id),
    ]);
    expect(logAfter.map(({ modified_on: _m, ...r }) => r)).toEqual(
      logBefore.map(({ modified_on: _m, ...r }) => (handled.has(r.id) ? { ...r, status: 1 } : r)),
    );
    expect(logAfter.filter((r) => !handled.has(r.id))).toEqual(logBefore.filter((r) => !handled.has(r.id)));

    // Adopted tables: tokens (plaintext, still readable), trips and knex's history are unchanged.
    expect(
      await snapshotTables(
        sequelize,
        ORIGINAL_TABLES.filter((t) => t !== 'bytemark_ticket_refresh_log'),
      ),
    ).toEqual(Object.fromEntries(Object.entries(tablesBefore).filter(([t]) => t !== 'bytemark_ticket_refresh_log')));
    expect(await rows('SELECT user_id, token, password FROM bytemark_tokens ORDER BY user_id')).toEqual(tokensBefore);
    expect(await h.dependencies.deps.tokens.findToken(FIRST)).toBe((await h.admin.user(FIRST)).token);

    // MongoDB: exactly one cache document per user, under its string id; the original's audit entries as they were.
    const docs = await db()
      .collection<Doc>(TICKET_CACHE_COLLECTION)
      .find({}, { projection: { user_id: 1 } })
      .toArray();
    expect(docs).toHaveLength(USERS + 1);
    expect(docs.every((d) => d._id === String(d['user_id']))).toBe(true);
    expect(audit.filter((d) => typeof d._id !== 'string')).toEqual(auditBefore);
  });
});
