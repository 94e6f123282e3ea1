import type { Connection } from 'mongoose';
import { CacheDocumentTooLargeError } from './errors';
import { passPayloadHash } from './hashing';
import { bsonSize, TicketCacheRepository } from './ticket-cache.repository';
import type { PassEntry, TicketCacheDoc } from './ticket-cache.schema';
import { clearMongoCollections, openTestConnections, samplePassPayload } from './testing';

function entry(i: number, payloadOverrides: Record<string, unknown> = {}): PassEntry {
  const payload = samplePassPayload(i, payloadOverrides);
  return {
    pass_uuid: payload['uuid'] as string,
    timestamp: 1_741_833_474,
    status: payload['status'] as string,
    free_ticket_status: i % 50 === 0 ? 1 : 0,
    payload,
    payload_hash: passPayloadHash(payload),
  };
}

function cacheDoc(userId: number, passes: PassEntry[], passes4: PassEntry[] = []): TicketCacheDoc {
  return { user_id: userId, timestamp: 1_741_833_474, passes, passes4, passesLog: [], passes4Log: [] };
}

describe('TicketCacheRepository (FerretDB)', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  let mongo: Connection;
  let repo: TicketCacheRepository;

  beforeAll(async () => {
    conns = await openTestConnections();
    mongo = conns.mongo;
    repo = new TicketCacheRepository(mongo);
  });
  beforeEach(() => clearMongoCollections(mongo));
  afterAll(() => conns.close());

  it('the unique index on user_id rejects a second document for the same user', async () => {
    await repo.replace({ userId: 1 }, cacheDoc(1, [entry(1)]));
    const raw = mongo.collection('bytemark_tickets_cache');
    await expect(raw.insertOne({ user_id: 1, timestamp: 0, passes: [] })).rejects.toMatchObject({ code: 11000 });
    await repo.replace({ userId: 1 }, cacheDoc(1, [entry(2)]));
    expect(await repo.count()).toBe(1);
    expect((await repo.findByUserId({ userId: 1 }))?.passes.map((p) => p.pass_uuid)).toEqual([entry(2).pass_uuid]);
  });

  it('a payload key with a dot or a leading dollar round-trips, stored escaped', async () => {
    const odd = entry(3, { 'fare.zone': 'A', $meta: { 'a.b': [{ $x: 1 }] }, 'wide\uFF0Edot': true });
    await repo.replace({ userId: 2 }, cacheDoc(2, [odd]));
    const back = await repo.findByUserId({ userId: 2 });
    expect(back?.passes[0]?.payload).toEqual(odd.payload);
    expect(passPayloadHash(back?.passes[0]?.payload)).toBe(odd.payload_hash);
    const raw = await mongo.collection('bytemark_tickets_cache').findOne({ user_id: 2 });
    const storedPayload = (raw?.['passes'] as Array<{ payload: Record<string, unknown> }>)[0]?.payload ?? {};
    expect(Object.keys(storedPayload)).toEqual(expect.arrayContaining(['fare\uFF0Ezone', '\uFF04meta']));
  });

  it('a cache document with 5,000 passes is written and read back equal', async () => {
    const passes = Array.from({ length: 5_000 }, (_, i) => entry(i));
    const doc: TicketCacheDoc = {
      ...cacheDoc(3, passes.slice(0, 4_000), passes.slice(4_000)),
      passesLog: [{ errors: [], server_time: '2025-03-13T02:37:54Z', data: { total_count: 4_000 } }],
      refresh_id: 'r-1',
      source_hashes: { passes: 'a', passes4: 'b' },
      refresh_summary: { created: 5_000 },
    };
    const t0 = Date.now();
    await repo.replace({ userId: 3 }, doc);
    const t1 = Date.now();
    const back = await repo.findByUserId({ userId: 3 });
    const t2 = Date.now();
    expect(back).toEqual(doc);
    const bytes = bsonSize(doc as unknown as Record<string, unknown>);
    process.stdout.write(
      `5,000 passes: ${bytes} BSON bytes (${Math.round(bytes / 5_000)} per pass); write ${t1 - t0} ms, read ${t2 - t1} ms\n`,
    );
  });

  it('a document over 16 MB is refused with CacheDocumentTooLargeError naming the user, and the old document stays', async () => {
    await repo.replace({ userId: 4 }, cacheDoc(4, [entry(1)]));
    const huge = Array.from({ length: 20 }, (_, i) => entry(i, { blob: 'x'.repeat(900_000) }));
    const attempt = repo.replace({ userId: 4 }, cacheDoc(4, huge));
    await expect(attempt).rejects.toBeInstanceOf(CacheDocumentTooLargeError);
    await expect(repo.replace({ userId: 4 }, cacheDoc(4, huge))).rejects.toThrow(/user 4 .*20 passes/);
    expect((await repo.findByUserId({ userId: 4 }))?.passes).toHaveLength(1);
  });

  it('keeps only the last 10 API envelopes of each log', async () => {
    const envelopes = Array.from({ length: 15 }, (_, i) => ({ errors: [], server_time: `t${i}`, data: { page: i } }));
    await repo.replace({ userId: 5 }, { ...cacheDoc(5, []), passesLog: envelopes, passes4Log: envelopes.slice(0, 3) });
    const back = await repo.findByUserId({ userId: 5 });
    expect(back?.passesLog).toEqual(envelopes.slice(5));
    expect(back?.passes4Log).toHaveLength(3);
  });

  it('touch changes only the timestamp and refresh markers', async () => {
    await repo.replace({ userId: 6 }, cacheDoc(6, [entry(1)]));
    await repo.touch({ userId: 6 }, { timestamp: 1_800_000_000, refreshId: 'r-9', refreshSummary: { unchanged: 1 } });
    const back = await repo.findByUserId({ userId: 6 });
    expect(back).toMatchObject({ timestamp: 1_800_000_000, refresh_id: 'r-9', refresh_summary: { unchanged: 1 } });
    expect(back?.passes).toEqual([entry(1)]);
    await repo.touch(
      { userId: 6 },
      {
        timestamp: 1_800_000_001,
        refreshId: 'r-10',
        refreshSummary: {},
        sourceHashes: { passes: 'h1', passes4: null },
      },
    );
    expect((await repo.refreshState({ userId: 6 }))?.sourceHashes).toEqual({ passes: 'h1', passes4: null });
    expect(await repo.refreshState({ userId: 404 })).toBeNull();
    await repo.touch({ userId: 404 }, { timestamp: 1, refreshId: 'r', refreshSummary: {} });
    expect(await repo.findByUserId({ userId: 404 })).toBeNull();
  });

  it('timestamps returns user_id → timestamp for the users that have a cache, in one query', async () => {
    await repo.replace({ userId: 7 }, { ...cacheDoc(7, []), timestamp: 100 });
    await repo.replace({ userId: 8 }, { ...cacheDoc(8, []), timestamp: 200 });
    expect(await repo.timestamps({ userIds: [7, 8, 9] })).toEqual(
      new Map([
        [7, 100],
        [8, 200],
      ]),
    );
    expect(await repo.timestamps({ userIds: [] })).toEqual(new Map());
  });

  it('deleteByUserId removes only that user', async () => {
    await repo.replace({ userId: 10 }, cacheDoc(10, []));
    await repo.replace({ userId: 11 }, cacheDoc(11, []));
    await repo.deleteByUserId({ userId: 10 });
    expect(await repo.findByUserId({ userId: 10 })).toBeNull();
    expect(await repo.count()).toBe(1);
  });
});
