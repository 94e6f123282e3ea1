/**
 * The local stack's FerretDB runner adds the _id index SQLite can use (see
 * tools/ferretdb-runner/id_index.go): without it every lookup by _id scans the whole collection.
 */
import { MongoClient } from 'mongodb';
import { testDatabaseUrls } from '@btc/data/testing';

const RUNNER_INDEX = '__ferretdb_runner_id_path';

describe('FerretDB runner: lookups by _id', () => {
  let client: MongoClient;
  const name = `runner_id_index_probe_${Date.now()}`;

  beforeAll(async () => {
    client = await MongoClient.connect(testDatabaseUrls().mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  });

  afterAll(async () => {
    await client
      .db()
      .collection(name)
      .drop()
      .catch(() => undefined);
    await client.close();
  });

  it('use an index on a collection created while the runner is up', async () => {
    const collection = client.db().collection<{ _id: string; pad: string }>(name);
    await collection.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `doc-${i}`, pad: 'x'.repeat(500) })));

    // EXPLAIN QUERY PLAN does not notice a schema change on a connection's cached schema; a query does.
    const plan = async () => {
      await collection.findOne({ _id: 'doc-7' });
      return JSON.stringify((await collection.find({ _id: 'doc-7' }).explain()).queryPlanner);
    };
    const deadline = Date.now() + 10_000; // the runner looks for new collections every second
    let latest = await plan();
    while (!latest.includes(RUNNER_INDEX) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      latest = await plan();
    }

    expect(latest).toContain(`USING INDEX ${name}`);
    expect(latest).toContain(RUNNER_INDEX);
    expect(await collection.findOne({ _id: 'doc-7' })).toMatchObject({ _id: 'doc-7' });
  });

  it('a filter with _id and other fields is pushed down by _id too (a compare-and-set does not scan)', async () => {
    const collection = client.db().collection<{ _id: string; version: number }>(`${name}_cas`);
    await collection.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: `doc-${i}`, version: i })));
    const explained = await collection.find({ _id: 'doc-3', version: 3 }).explain();
    expect(explained['filterPushdown']).toBe(true);
    expect(await collection.findOne({ _id: 'doc-3', version: 3 })).toMatchObject({ _id: 'doc-3' });
    expect(await collection.findOne({ _id: 'doc-3', version: 4 })).toBeNull();
    await collection.drop();
  });
});
