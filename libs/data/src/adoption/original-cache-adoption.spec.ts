import { createHash } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize, parseMysqlUrl } from '../connections';
import { connectMongo } from '../mongo/mongo-connection';
import { passPayloadHash } from '../cache/hashing';
import {
  ORIGINAL_CACHE_BACKUP_COLLECTION,
  OriginalCacheAdoption,
  type OriginalCacheAdoptionReport,
} from './original-cache-adoption';
import { normaliseCacheDocument, storedPassListHash, toUnixSeconds } from './original-cache-document';
import { MONGO_INDEXES } from '../mongo/mongo-indexes';
import { TicketCacheRepository } from '../cache/ticket-cache.repository';
import { TICKET_CACHE_COLLECTION } from '../cache/ticket-cache.schema';
import { TICKET_CACHE_STATE_TABLE, TicketCacheStateRepository } from '../cache/ticket-cache-state.repository';
import { ensureTestMysqlDatabase, samplePassPayload, testDatabaseUrls, testMongoUrl, testMysqlUrl } from '../testing';

const { ObjectId } = mongoose.mongo;
interface Doc {
  _id: mongoose.mongo.ObjectId | string;
  [field: string]: unknown;
}

/** Databases of this file only: the unique index is dropped here, which no other spec may see. */
const DATABASE = 'bytemark_adopt_test';
const mysqlUrl = testMysqlUrl(DATABASE);
const mongoUrl = testMongoUrl(DATABASE);
/** When the original last wrote the caches (two hours ago, in seconds). */
const WRITTEN = Math.floor(Date.now() / 1000) - 7200;
const USER_ID_INDEX = MONGO_INDEXES.find((i) => i.collection === TICKET_CACHE_COLLECTION && i.unique)!;

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A pass entry as the original wrote it: payload verbatim, `md5(JSON.stringify(payload))`. */
function originalEntry(i: number, timestamp: number) {
  const payload = samplePassPayload(i);
  return {
    pass_uuid: payload['uuid'],
    timestamp,
    status: payload['status'],
    free_ticket_status: i % 7 === 0 ? 1 : 0,
    payload,
    payload_hash: md5(JSON.stringify(payload)),
  };
}

/** A cache document of the original: ObjectId `_id`, mongoose's `__v`, a field we do not know. */
function originalDoc(userId: number, opts: { ms?: boolean; passes?: number; passes4?: number; at?: number } = {}): Doc {
  const at = opts.at ?? WRITTEN;
  const ts = opts.ms ? at * 1000 + 417 : at;
  const entries = (n: number, offset: number) =>
    Array.from({ length: n }, (_, i) => originalEntry(userId * 100 + offset + i, ts));
  return {
    _id: new ObjectId(),
    user_id: userId,
    timestamp: ts,
    passes: entries(opts.passes ?? 3, 0),
    passes4: entries(opts.passes4 ?? 2, 50),
    passesLog: [{ errors: [], server_time: '2025-06-01T12:00:00Z', data: { page_count: 1 } }],
    passes4Log: [],
    platform_note: 'kept as is',
    __v: 0,
  };
}

describe('OriginalCacheAdoption: pure parts', () => {
  it('reads milliseconds, seconds, dates and numeric strings as unix seconds, and nothing else', () => {
    expect(toUnixSeconds(1_741_833_474)).toBe(1_741_833_474);
    expect(toUnixSeconds(1_741_833_474_999)).toBe(1_741_833_474);
    expect(toUnixSeconds(new Date('2025-03-13T02:37:54.500Z'))).toBe(1_741_833_474);
    expect(toUnixSeconds('1741833474000')).toBe(1_741_833_474);
    expect(toUnixSeconds(null)).toBeNull();
    expect(toUnixSeconds('yesterday')).toBeNull();
    expect(toUnixSeconds(-5)).toBeNull();
  });

  it('normalising keeps every field and its order, adds none, and rewrites only timestamps and hashes', () => {
    const raw = originalDoc(7, { ms: true });
    const n = normaliseCacheDocument(raw, 7);
    expect(Object.keys(n.fields)).toEqual(Object.keys(raw).filter((k) => k !== '_id'));
    expect(n.fields['timestamp']).toBe(WRITTEN);
    expect(n.fields['platform_note']).toBe('kept as is');
    expect(n.fields['version']).toBeUndefined();
    const passes = n.fields['passes'] as Array<Record<string, unknown>>;
    const before = raw['passes'] as Array<Record<string, unknown>>;
    expect(passes.map((p) => p['payload_hash'])).toEqual(before.map((p) => passPayloadHash(p['payload'])));
    expect(passes.map((p) => p['timestamp'])).toEqual(before.map(() => WRITTEN));
    expect(passes.map((p) => ({ ...p, payload_hash: null, timestamp: null }))).toEqual(
      before.map((p) => ({ ...p, payload_hash: null, timestamp: null })),
    );
    expect(n).toMatchObject({
      timestamp: WRITTEN,
      documentTimestampNormalised: true,
      entryTimestampsNormalised: 5,
      hashesRewritten: 5,
      passCount: 5,
      userIdChanged: false,
    });
    // Normalising twice changes nothing more.
    expect(normaliseCacheDocument({ _id: '7', ...n.fields }, 7)).toMatchObject({
      documentTimestampNormalised: false,
      entryTimestampsNormalised: 0,
      hashesRewritten: 0,
    });
  });

  it('a stored list hashes as the refresh hashes the same passes fetched: any order, any key order', () => {
    const payloads = [samplePassPayload(1), samplePassPayload(2)];
    const expected = md5(
      payloads
        .map((p) => `${String(p['uuid'])}:${passPayloadHash(p)}`)
        .sort()
        .join('\n'),
    );
    const reordered = (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).reverse());
    expect(storedPassListHash([originalEntry(2, 0), originalEntry(1, 0)])).toBe(expected);
    expect(storedPassListHash(payloads.map((payload) => ({ payload: reordered(payload) })))).toBe(expected);
    expect(storedPassListHash(undefined)).toBe(md5(''));
    expect(storedPassListHash([{ pass_uuid: 'x' }])).toBeNull();
  });
});

describe('OriginalCacheAdoption (FerretDB, MariaDB)', () => {
  let sequelize: Sequelize;
  let mongo: Connection;
  let states: TicketCacheStateRepository;
  const cache = () => mongo.db!.collection<Doc>(TICKET_CACHE_COLLECTION);
  const backup = () => mongo.db!.collection<Doc>(ORIGINAL_CACHE_BACKUP_COLLECTION);
  const adoption = () => new OriginalCacheAdoption({ mongo, states });
  const all = async () =>
    (await cache().find({}).toArray()).sort((a, b) => Number(a['user_id']) - Number(b['user_id']));
  const uniqueIndexes = async () =>
    (await cache().listIndexes().toArray()).filter((i) => i['unique'] === true).map((i) => String(i['name']));
  const stateRows = () =>
    sequelize.query<Record<string, unknown>>(`SELECT * FROM ${TICKET_CACHE_STATE_TABLE} ORDER BY user_id`, {
      type: QueryTypes.SELECT,
    });
  const expectedDoc = (raw: Doc, userId: number) => ({
    _id: String(userId),
    ...normaliseCacheDocument(raw, userId).fields,
  });

  beforeAll(async () => {
    await ensureTestMysqlDatabase(mysqlUrl);
    sequelize = createSequelize(mysqlUrl, { logging: false });
    const migrated = parseMysqlUrl(testDatabaseUrls().mysqlUrl).database;
    await sequelize.query(
      `CREATE TABLE IF NOT EXISTS ${TICKET_CACHE_STATE_TABLE} LIKE \`${migrated}\`.${TICKET_CACHE_STATE_TABLE}`,
    );
    mongo = await connectMongo(mongoUrl);
    states = new TicketCacheStateRepository(sequelize);
  });
  beforeEach(async () => {
    await mongo.db!.dropDatabase();
    await cache().createIndex(USER_ID_INDEX.key, { name: USER_ID_INDEX.name, unique: true });
    await sequelize.query(`TRUNCATE TABLE ${TICKET_CACHE_STATE_TABLE}`);
  });
  afterAll(async () => {
    await mongo?.db?.dropDatabase();
    await sequelize?.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await Promise.allSettled([sequelize?.close(), mongo?.close()]);
  });

  it("re-keys the original's documents to _id String(user_id) in seconds with our hashes, backs them up, and writes each user's state", async () => {
    const originals = [originalDoc(11), originalDoc(12, { ms: true }), originalDoc(13, { passes: 0, passes4: 0 })];
    await cache().insertMany(originals);

    const report = await adoption().run({ execute: true });

    expect(report).toMatchObject<Partial<OriginalCacheAdoptionReport>>({
      documentsSeen: 3,
      originalDocuments: 3,
      users: 3,
      rekeyed: 3,
      duplicatesRemoved: 0,
      timestampsNormalised: { documents: 1, passEntries: 5 },
      hashesRewritten: 10,
      stateRowsWritten: 3,
      backedUp: 3,
      failed: [],
      indexDropped: true,
      indexPresent: true,
    });
    const docs = await all();
    expect(docs).toEqual(originals.map((o) => expectedDoc(o, Number(o['user_id']))));
    expect(docs.map((d) => typeof d['user_id'])).toEqual(['number', 'number', 'number']);
    const backedUp = await backup().find({}).toArray();
    expect(backedUp.map((d) => String(d._id)).sort()).toEqual(originals.map((o) => String(o._id)).sort());
    expect(backedUp.find((d) => String(d._id) === String(originals[1]!._id))).toEqual(originals[1]);
    expect(await uniqueIndexes()).toEqual([USER_ID_INDEX.name]);

    // The state says which passes the (version 0) document holds: a refresh fetching the same lists only touches it.
    const state = await states.find(12);
    const n = normaliseCacheDocument(originals[1]!, 12);
    expect(state).toMatchObject({
      refreshedAt: WRITTEN,
      cacheVersion: 0,
      listHashes: n.listHashes,
      passCount: 5,
      outcome: 'adopted',
      trigger: 'adopt-legacy',
    });
    expect(n.listHashes.passes).toBe(
      storedPassListHash([0, 1, 2].map((i) => ({ payload: samplePassPayload(1200 + i) }))),
    );
    const repo = new TicketCacheRepository(mongo);
    expect(await repo.touch({ userId: 12 }, { timestamp: WRITTEN + 10, expectedVersion: 0 })).toBe(true);
    expect((await repo.findByUserId({ userId: 12 }))?.passes.map((p) => p.payload_hash)).toEqual(
      (originals[1]!['passes'] as Array<{ payload: unknown }>).map((p) => passPayloadHash(p.payload)),
    );
  });

  it('a dry run reports what the run would do and writes nothing: no document, backup, state row or index change', async () => {
    await cache().insertMany([originalDoc(21), originalDoc(22, { ms: true })]);
    const before = await all();

    const dry = await adoption().run();

    expect(dry).toMatchObject({
      execute: false,
      rekeyed: 2,
      hashesRewritten: 10,
      stateRowsWritten: 2,
      indexDropped: true,
    });
    expect(await all()).toEqual(before);
    expect(await backup().countDocuments({})).toBe(0);
    expect(await stateRows()).toEqual([]);
    expect(await uniqueIndexes()).toEqual([USER_ID_INDEX.name]);
    const executed = await adoption().run({ execute: true });
    expect({ ...executed, execute: false, durationMs: 0 }).toEqual({ ...dry, durationMs: 0 });
  });

  it('a second run finds every user adopted and writes nothing', async () => {
    await cache().insertMany([originalDoc(31), originalDoc(32, { ms: true })]);
    await adoption().run({ execute: true });
    const docs = await all();
    const rows = await stateRows();

    const again = await adoption().run({ execute: true });

    expect(again).toMatchObject({
      originalDocuments: 0,
      rekeyed: 0,
      hashesRewritten: 0,
      stateRowsWritten: 0,
      backedUp: 0,
      indexDropped: false,
      skipped: { alreadyAdopted: 2, ours: 0, invalid: 0 },
    });
    expect(await all()).toEqual(docs);
    expect(await stateRows()).toEqual(rows);
  });

  it('a run killed at any instant is finished by the next: every user ends with one document, its state and a backup', async () => {
    // What a killed run leaves, one user per instant, with the unique index already dropped.
    await cache().dropIndex(USER_ID_INDEX.name);
    const o = {
      backedUpOnly: originalDoc(41, { ms: true }),
      copiedNotDeleted: originalDoc(42, { ms: true }),
      deletedNoState: originalDoc(43),
      untouched: originalDoc(44),
    };
    await backup().insertMany([o.backedUpOnly, o.copiedNotDeleted, o.deletedNoState]);
    await cache().insertMany([o.backedUpOnly, o.copiedNotDeleted, o.untouched]);
    await cache().insertMany([expectedDoc(o.copiedNotDeleted, 42), expectedDoc(o.deletedNoState, 43)]);

    const report = await adoption().run({ execute: true });

    expect(report).toMatchObject({ rekeyed: 3, stateRowsWritten: 4, backedUp: 1, failed: [], indexPresent: true });
    expect(await all()).toEqual(
      [o.backedUpOnly, o.copiedNotDeleted, o.deletedNoState, o.untouched].map((d) =>
        expectedDoc(d, Number(d['user_id'])),
      ),
    );
    expect((await stateRows()).map((r) => r['user_id'])).toEqual([41, 42, 43, 44]);
    expect(await backup().countDocuments({})).toBe(4);
    expect(await uniqueIndexes()).toEqual([USER_ID_INDEX.name]);
  });

  it("keeps the newest of a user's duplicate documents and backs up the others", async () => {
    const older = originalDoc(51, { at: WRITTEN - 3600, passes: 1 });
    const newer = originalDoc(51, { at: WRITTEN, ms: true, passes: 2 });
    await cache().dropIndex(USER_ID_INDEX.name); // the original had no unique index: duplicates can exist
    await cache().insertMany([older, newer]);

    const report = await adoption().run({ execute: true });

    expect(report).toMatchObject({ users: 1, rekeyed: 1, duplicatesRemoved: 1, backedUp: 2, indexPresent: true });
    expect(await all()).toEqual([expectedDoc(newer, 51)]);
    expect(await backup().countDocuments({})).toBe(2);
  });

  it("leaves this service's own document and its state alone, removing an original's written beside it", async () => {
    await cache().dropIndex(USER_ID_INDEX.name);
    const original = originalDoc(61);
    await cache().insertOne(original);
    // What this service's repository stores: our _id, a version, a refresh id.
    const payload = samplePassPayload(6100);
    await cache().insertOne({
      _id: '61',
      user_id: 61,
      timestamp: WRITTEN + 60,
      passes: [
        {
          pass_uuid: payload['uuid'],
          timestamp: WRITTEN + 60,
          status: 'USABLE',
          free_ticket_status: 0,
          payload,
          payload_hash: passPayloadHash(payload),
        },
      ],
      passes4: [],
      passesLog: [],
      passes4Log: [],
      version: 3,
      refresh_id: 'ours',
      refresh_summary: null,
    });
    const ours = await cache().findOne({ _id: '61' });

    const report = await adoption().run({ execute: true });

    expect(report).toMatchObject({ rekeyed: 0, duplicatesRemoved: 1, stateRowsWritten: 0, skipped: { ours: 1 } });
    expect(await all()).toEqual([ours]);
    expect(await backup().find({}).toArray()).toEqual([original]);
  });

  it('normalises in place a document under our _id that the original rewrote (after a rollback), and rewrites its state', async () => {
    const original = originalDoc(71, { ms: true });
    await cache().insertOne({ ...original, _id: '71' });

    const report = await adoption().run({ execute: true });

    expect(report).toMatchObject({ rekeyed: 0, normalisedInPlace: 1, hashesRewritten: 5, stateRowsWritten: 1 });
    expect(await all()).toEqual([expectedDoc(original, 71)]);
    expect(await backup().find({}).toArray()).toEqual([{ ...original, _id: '71' }]);
  });

  it('leaves a document without a usable user_id where it is and says so', async () => {
    await cache().insertMany([{ ...originalDoc(81), user_id: 'someone' }, originalDoc(82)]);
    const report = await adoption().run({ execute: true });
    expect(report).toMatchObject({ users: 1, rekeyed: 1, skipped: { invalid: 1 }, failed: [] });
    expect(report.invalidIds).toEqual([expect.stringMatching(/^ObjectId\([0-9a-f]{24}\)$/)]);
    expect(await cache().countDocuments({})).toBe(2);
  });

  it('the backup is dropped only on request, and only once no document waits for adoption', async () => {
    await cache().insertMany([originalDoc(91), originalDoc(92)]);
    await expect(adoption().dropBackup({ execute: true })).rejects.toThrow(/2 cache documents still wait/);
    await adoption().run({ execute: true });

    expect(await adoption().dropBackup()).toEqual({ backupDocuments: 2, dropped: false });
    expect(await backup().countDocuments({})).toBe(2);
    expect(await adoption().dropBackup({ execute: true })).toEqual({ backupDocuments: 2, dropped: true });
    expect(await backup().countDocuments({})).toBe(0);
  });
});
