import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { QueryTypes, type Sequelize } from 'sequelize';
import {
  ORIGINAL_CACHE_BACKUP_COLLECTION,
  TICKET_CACHE_COLLECTION,
  TICKET_CACHE_STATE_TABLE,
  connectMongo,
  createSequelize,
  normaliseCacheDocument,
} from '@btc/data';
import { samplePassPayload, testMongoUrl, testMysqlUrl } from '@btc/data/testing';
import { migrateUp } from '@btc/migrations';

const { ObjectId } = mongoose.mongo;
interface Doc {
  _id: mongoose.mongo.ObjectId | string;
  [field: string]: unknown;
}

const DATABASE = 'bytemark_adopt_cli_test';
const USERS = 600;
const FIRST = 7001;
const CLI = join(__dirname, '..', 'cli.ts');
const mysqlUrl = testMysqlUrl(DATABASE);
const mongoUrl = testMongoUrl(DATABASE);

let sequelize: Sequelize;
let mongo: Connection;
const cache = () => mongo.db!.collection<Doc>(TICKET_CACHE_COLLECTION);
const backup = () => mongo.db!.collection<Doc>(ORIGINAL_CACHE_BACKUP_COLLECTION);

/** A document of the original: ObjectId `_id`, md5(JSON.stringify) hashes, every third user in milliseconds. */
function originalDoc(userId: number): Doc {
  const seconds = Math.floor(Date.now() / 1000) - 7200;
  const ts = userId % 3 === 0 ? seconds * 1000 + 250 : seconds;
  const entry = (i: number) => {
    const payload = samplePassPayload(userId * 10 + i);
    const hash = createHash('md5').update(JSON.stringify(payload)).digest('hex');
    return {
      pass_uuid: payload['uuid'],
      timestamp: ts,
      status: payload['status'],
      free_ticket_status: 0,
      payload,
      payload_hash: hash,
    };
  };
  return {
    _id: new ObjectId(),
    user_id: userId,
    timestamp: ts,
    passes: [entry(0), entry(1), entry(2)],
    passes4: [entry(5)],
    passesLog: [],
    passes4Log: [],
    __v: 0,
  };
}

interface Run {
  stdout: string;
  code: number | null;
  killed: boolean;
}

/**
 * `npm run cli -- cache adopt-legacy --execute` in its own process (tsx as a loader, so that SIGKILL
 * kills the command itself); killed when `killAt` users are done. `watch` runs while it does.
 */
function adopt(killAt: number | null, watch: () => Promise<void>): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'cache', 'adopt-legacy', '--execute', '--concurrency', '4'],
    {
      env: { ...process.env, MYSQL_URL: mysqlUrl, MONGO_URL: mongoUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  let killed = false;
  let running = true;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const done = Math.max(0, ...[...stdout.matchAll(/^ {2}(\d+)\/\d+ users$/gm)].map((m) => Number(m[1])));
    if (killAt !== null && done >= killAt && !killed) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  const watching = (async () => {
    while (running) await watch();
  })();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      running = false;
      watching.then(() => resolve({ stdout, code, killed }), reject);
    });
  });
}

beforeAll(async () => {
  await migrateUp({ mysqlUrl, mongoUrl });
  sequelize = createSequelize(mysqlUrl, { logging: false });
  mongo = await connectMongo(mongoUrl);
});
afterAll(async () => {
  await mongo?.db?.dropDatabase();
  await sequelize?.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await Promise.allSettled([sequelize?.close(), mongo?.close()]);
});

describe('cache adopt-legacy (CLI, FerretDB, MariaDB)', () => {
  jest.setTimeout(300_000);

  it('SIGKILLed twice mid-run and run again, every user keeps a document at every instant and ends with exactly one, nothing lost', async () => {
    await cache().deleteMany({});
    await backup().deleteMany({});
    await sequelize.query(`TRUNCATE TABLE ${TICKET_CACHE_STATE_TABLE}`);
    const originals = Array.from({ length: USERS }, (_, i) => originalDoc(FIRST + i));
    await cache().insertMany(originals);
    const everyone = originals.map((o) => Number(o['user_id']));

    // While the command runs, every scan of the collection finds every user.
    const scans = { count: 0, missing: new Set<number>() };
    const watch = async () => {
      const present = new Set(
        (
          await cache()
            .find({}, { projection: { user_id: 1 } })
            .toArray()
        ).map((d) => Number(d['user_id'])),
      );
      scans.count += 1;
      for (const u of everyone) if (!present.has(u)) scans.missing.add(u);
    };

    const first = await adopt(USERS * 0.25, watch);
    const legacyAfterFirst = await cache().countDocuments({ _id: { $type: 'objectId' } });
    const second = await adopt(USERS * 0.6, watch);
    const legacyAfterSecond = await cache().countDocuments({ _id: { $type: 'objectId' } });
    const last = await adopt(null, watch);
    console.log(
      `adopt-legacy SIGKILLed at 25% and 60%: ${legacyAfterFirst} then ${legacyAfterSecond} documents of the original left; ` +
        `${scans.count} scans during the runs; the last run printed:\n${last.stdout}`,
    );

    expect([first.killed, second.killed, last.killed]).toEqual([true, true, false]);
    expect(last.code).toBe(0);
    expect(legacyAfterFirst).toBeGreaterThan(0);
    expect(legacyAfterSecond).toBeLessThan(legacyAfterFirst);
    expect(scans.count).toBeGreaterThan(3);
    expect([...scans.missing]).toEqual([]);

    // Exactly one document per user, under its string id, with the original's content normalised.
    const docs = await cache().find({}).toArray();
    expect(docs).toHaveLength(USERS);
    const byId = new Map(docs.map((d) => [d._id, d]));
    for (const o of originals) {
      const userId = Number(o['user_id']);
      expect(byId.get(String(userId))).toEqual({ _id: String(userId), ...normaliseCacheDocument(o, userId).fields });
    }
    // The backup holds every original verbatim, once.
    const copies = await backup().find({}).toArray();
    expect(copies).toHaveLength(USERS);
    const copyById = new Map(copies.map((c) => [String(c._id), c]));
    for (const o of originals) expect(copyById.get(String(o._id))).toEqual(o);
    // Every user has its refresh state; the unique index is back.
    const [states] = await sequelize.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${TICKET_CACHE_STATE_TABLE} WHERE cache_version = 0 AND outcome = 'adopted'`,
      { type: QueryTypes.SELECT },
    );
    expect(Number(states?.n)).toBe(USERS);
    const indexes = await cache().listIndexes().toArray();
    expect(indexes.filter((i) => i['unique'] === true).map((i) => i['key'])).toEqual([{ user_id: 1 }]);
    expect(last.stdout).toMatch(/unique user_id index: {3}absent during the run, present now/);
  });
});
