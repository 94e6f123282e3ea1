import type { Connection } from 'mongoose';
import { CacheDocumentTooLargeError, LegacyCacheDocumentError } from '../errors';
import { passPayloadHash } from './hashing';
import { bsonSize, TicketCacheRepository } from './ticket-cache.repository';
import type { PassEntry, TicketCacheDoc } from './ticket-cache.schema';
import { clearMongoCollections, openTestConnections, samplePassPayload } from '../testing';

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

function cacheDoc(userId: number, passes: PassEntry[], passes4: PassEntry[] = [], version = 1): TicketCacheDoc {
  return {
    user_id: userId,
    timestamp: 1_741_833_474,
    passes,
    passes4,
    passesLog: [],
    passes4Log: [],
    version,
    refresh_id: `r-${version}`,
    refresh_summary: null,
    pending: null,
    announced_free: [],
    lists_fetched_at_us: 1_741_833_474_000_000,
  };
}

describe('TicketCacheRepository (FerretDB)', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  let mongo: Connection;
  let repo: TicketCacheRepository;
  /** Writes a new document (there was none). */
  const create = (doc: TicketCacheDoc) => repo.commit({ userId: doc.user_id }, doc, { expectedVersion: null });

  beforeAll(async () => {
    conns = await openTestConnections();
    mongo = conns.mongo;
    repo = new TicketCacheRepository(mongo);
  });
  beforeEach(() => clearMongoCollections(mongo));
  afterAll(() => conns.close());

  it('the unique index on user_id rejects a second document for the same user', async () => {
    expect(await create(cacheDoc(1, [entry(1)]))).toBe(true);
    const raw = mongo.collection('bytemark_tickets_cache');
    await expect(raw.insertOne({ user_id: 1, timestamp: 0, passes: [] })).rejects.toMatchObject({ code: 11000 });
    expect(await repo.commit({ userId: 1 }, cacheDoc(1, [entry(2)], [], 2), { expectedVersion: 1 })).toBe(true);
    expect(await repo.count()).toBe(1);
    expect((await repo.findByUserId({ userId: 1 }))?.passes.map((p) => p.pass_uuid)).toEqual([entry(2).pass_uuid]);
  });

  it('a write from a stale version loses: it changes nothing and says so', async () => {
    await create(cacheDoc(12, [entry(1)]));
    expect(await repo.commit({ userId: 12 }, cacheDoc(12, [entry(2)], [], 2), { expectedVersion: 1 })).toBe(true);
    // A slow attempt that read version 1 before the write above:
    expect(await repo.commit({ userId: 12 }, cacheDoc(12, [entry(3)], [], 2), { expectedVersion: 1 })).toBe(false);
    expect(await create(cacheDoc(12, [entry(4)]))).toBe(false);
    expect(await repo.touch({ userId: 12 }, { timestamp: 1_900_000_000, expectedVersion: 1 })).toBe(false);
    const back = await repo.findByUserId({ userId: 12 });
    expect(back).toMatchObject({ version: 2, timestamp: 1_741_833_474 });
    expect(back?.passes.map((p) => p.pass_uuid)).toEqual([entry(2).pass_uuid]);
  });

  it('of writers racing from the same version, exactly one wins (the database applies a filtered update atomically)', async () => {
    for (let round = 0; round < 5; round++) {
      await create(cacheDoc(17, [entry(0)]));
      const racers = Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? repo.commit({ userId: 17 }, cacheDoc(17, [entry(10 + i)], [], 2), { expectedVersion: 1 })
          : repo.touch({ userId: 17 }, { timestamp: 1_900_000_000 + i, expectedVersion: 1 }),
      );
      const won = (await Promise.all(racers)).flatMap((ok, i) => (ok ? [i] : []));
      const commitsWon = won.filter((i) => i % 2 === 0);
      // Touches may also win before a commit lands; at most one commit, and no touch after it.
      expect(commitsWon.length).toBeLessThanOrEqual(1);
      const back = await repo.findByUserId({ userId: 17 });
      if (commitsWon.length === 1) {
        expect(back?.version).toBe(2);
        expect(back?.passes.map((p) => p.pass_uuid)).toEqual([entry(10 + commitsWon[0]!).pass_uuid]);
      } else {
        expect(back?.version).toBe(1);
      }
      await repo.deleteByUserId({ userId: 17 });
    }
  });

  it('a document of the original platform (ObjectId _id) is reported for re-keying, not duplicated', async () => {
    await mongo.collection('bytemark_tickets_cache').insertOne({ user_id: 13, timestamp: 1, passes: [] });
    await expect(create(cacheDoc(13, [entry(1)]))).rejects.toBeInstanceOf(LegacyCacheDocumentError);
    expect(await repo.count()).toBe(1);
  });

  it('a document without a version (written by the original platform) counts as version 0', async () => {
    await mongo
      .collection('bytemark_tickets_cache')
      .insertOne({ _id: '14' as never, user_id: 14, timestamp: 5, passes: [] });
    expect(await repo.findByUserId({ userId: 14 })).toMatchObject({ version: 0, refresh_id: null, pending: null });
    expect(await repo.touch({ userId: 14 }, { timestamp: 6, expectedVersion: 0 })).toBe(true);
    expect(await repo.commit({ userId: 14 }, cacheDoc(14, [entry(1)]), { expectedVersion: 0 })).toBe(true);
    expect(await repo.findByUserId({ userId: 14 })).toMatchObject({ version: 1 });
  });

  it('fields the original platform stored and this service does not know survive a write', async () => {
    await mongo
      .collection('bytemark_tickets_cache')
      .insertOne({ _id: '15' as never, user_id: 15, timestamp: 5, passes: [], app_hint: 'kept' });
    await repo.commit({ userId: 15 }, cacheDoc(15, [entry(1)]), { expectedVersion: 0 });
    expect(await mongo.collection('bytemark_tickets_cache').findOne({ user_id: 15 })).toMatchObject({
      app_hint: 'kept',
    });
  });

  it('pending effects are stored with the commit, block a touch, and are cleared only for their own refresh', async () => {
    const pending = {
      refresh_id: 'r-2',
      timestamp: 7,
      changes: [{ source: 'passes' as const, action: 'create' as const, uuid: 'u' }],
      new_free: ['u'],
    };
    await create(cacheDoc(16, [entry(1)]));
    await repo.commit({ userId: 16 }, { ...cacheDoc(16, [entry(1)], [], 2), pending }, { expectedVersion: 1 });
    expect((await repo.findByUserId({ userId: 16 }))?.pending).toEqual(pending);
    expect(await repo.touch({ userId: 16 }, { timestamp: 8, expectedVersion: 2 })).toBe(false);
    await repo.clearPending({ userId: 16 }, { refreshId: 'r-1' });
    expect((await repo.findByUserId({ userId: 16 }))?.pending).toEqual(pending);
    await repo.clearPending({ userId: 16 }, { refreshId: 'r-2' });
    expect((await repo.findByUserId({ userId: 16 }))?.pending).toBeNull();
    expect(await repo.touch({ userId: 16 }, { timestamp: 8, expectedVersion: 2 })).toBe(true);
  });

  it('a payload key with a dot or a leading dollar round-trips, stored escaped', async () => {
    const odd = entry(3, { 'fare.zone': 'A', $meta: { 'a.b': [{ $x: 1 }] }, 'wide\uFF0Edot': true });
    await create(cacheDoc(2, [odd]));
    const back = await repo.findByUserId({ userId: 2 });
    expect(back?.passes[0]?.payload).toEqual(odd.payload);
    expect(passPayloadHash(back?.passes[0]?.payload)).toBe(odd.payload_hash);
    const raw = await mongo.collection('bytemark_tickets_cache').findOne({ user_id: 2 });
    const storedPayload = (raw?.['passes'] as Array<{ payload: Record<string, unknown> }>)[0]?.payload ?? {};
    expect(Object.keys(storedPayload)).toEqual(expect.arrayContaining(['fare\uFF0Ezone', '\uFF04meta']));
  });

  it('a __proto__ key (and constructor, prototype) in a pass payload is stored, read back and hashes the same, on insert and on update', async () => {
    // As Bytemark's JSON arrives: JSON.parse makes `__proto__` an own key, at the top and nested.
    const payload = JSON.parse(
      '{"uuid":"p-proto","status":"USABLE","time_created":"2025-01-01T00:00:00Z","product_uuid":"x",' +
        '"__proto__":{"fare":"adult"},"meta":{"__proto__":"nested","constructor":1,"prototype":2}}',
    ) as Record<string, unknown>;
    const withProto: PassEntry = { ...entry(1), pass_uuid: 'p-proto', payload, payload_hash: passPayloadHash(payload) };
    await create(cacheDoc(18, [withProto]));
    const inserted = (await repo.findByUserId({ userId: 18 }))?.passes[0];
    expect(Object.keys(inserted?.payload ?? {})).toContain('__proto__');
    expect(JSON.stringify(inserted?.payload)).toBe(JSON.stringify(payload));
    expect(passPayloadHash(inserted?.payload)).toBe(withProto.payload_hash);
    expect(await repo.commit({ userId: 18 }, cacheDoc(18, [withProto], [withProto], 2), { expectedVersion: 1 })).toBe(
      true,
    );
    const updated = await repo.findByUserId({ userId: 18 });
    for (const p of [updated?.passes[0], updated?.passes4[0]]) {
      expect(JSON.stringify(p?.payload)).toBe(JSON.stringify(payload));
    }
    // Nothing leaked into the prototype chain on the way.
    expect(({} as Record<string, unknown>)['fare']).toBeUndefined();
  });

  it('a cache document with 5,000 passes is written and read back equal', async () => {
    const passes = Array.from({ length: 5_000 }, (_, i) => entry(i));
    const doc: TicketCacheDoc = {
      ...cacheDoc(3, passes.slice(0, 4_000), passes.slice(4_000)),
      passesLog: [{ errors: [], server_time: '2025-03-13T02:37:54Z', data: { total_count: 4_000 } }],
      refresh_summary: { outcome: 'built', created: 5_000, updated: 0, removed: 0, unchanged: 0, newFreeTickets: 0 },
    };
    const t0 = Date.now();
    await create(doc);
    const t1 = Date.now();
    const back = await repo.findByUserId({ userId: 3 });
    const t2 = Date.now();
    expect(back).toEqual(doc);
    const bytes = bsonSize({ ...doc });
    process.stdout.write(
      `5,000 passes: ${bytes} BSON bytes (${Math.round(bytes / 5_000)} per pass); write ${t1 - t0} ms, read ${t2 - t1} ms\n`,
    );
  });

  it('a document over 16 MB is refused with CacheDocumentTooLargeError naming the user, and the old document stays', async () => {
    await create(cacheDoc(4, [entry(1)]));
    const huge = Array.from({ length: 20 }, (_, i) => entry(i, { blob: 'x'.repeat(900_000) }));
    const attempt = repo.commit({ userId: 4 }, cacheDoc(4, huge, [], 2), { expectedVersion: 1 });
    await expect(attempt).rejects.toBeInstanceOf(CacheDocumentTooLargeError);
    await expect(repo.commit({ userId: 4 }, cacheDoc(4, huge, [], 2), { expectedVersion: 1 })).rejects.toThrow(
      /user 4 .*20 passes/,
    );
    expect((await repo.findByUserId({ userId: 4 }))?.passes).toHaveLength(1);
  });

  it('keeps only the last 10 API envelopes of each log', async () => {
    const envelopes = Array.from({ length: 15 }, (_, i) => ({ errors: [], server_time: `t${i}`, data: { page: i } }));
    await create({ ...cacheDoc(5, []), passesLog: envelopes, passes4Log: envelopes.slice(0, 3) });
    const back = await repo.findByUserId({ userId: 5 });
    expect(back?.passesLog).toEqual(envelopes.slice(5));
    expect(back?.passes4Log).toHaveLength(3);
  });

  it('touch changes only the timestamp', async () => {
    await create(cacheDoc(6, [entry(1)]));
    expect(await repo.touch({ userId: 6 }, { timestamp: 1_800_000_000, expectedVersion: 1 })).toBe(true);
    expect(await repo.findByUserId({ userId: 6 })).toEqual({ ...cacheDoc(6, [entry(1)]), timestamp: 1_800_000_000 });
    expect(await repo.touch({ userId: 404 }, { timestamp: 1, expectedVersion: 1 })).toBe(false);
    expect(await repo.findByUserId({ userId: 404 })).toBeNull();
  });

  it('deleteByUserId removes only that user', async () => {
    await create(cacheDoc(10, []));
    await create(cacheDoc(11, []));
    await repo.deleteByUserId({ userId: 10 });
    expect(await repo.findByUserId({ userId: 10 })).toBeNull();
    expect(await repo.count()).toBe(1);
  });
});
