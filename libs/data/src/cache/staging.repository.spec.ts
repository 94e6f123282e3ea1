import type { Connection } from 'mongoose';
import { StagingRepository } from './staging.repository';
import { clearMongoCollections, openTestConnections, samplePassPayload } from '../testing';

describe('StagingRepository (FerretDB)', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  let mongo: Connection;
  let repo: StagingRepository;

  beforeAll(async () => {
    conns = await openTestConnections();
    mongo = conns.mongo;
    repo = new StagingRepository(mongo);
  });
  beforeEach(() => clearMongoCollections(mongo));
  afterAll(() => conns.close());

  it('puts and gets back a list larger than one document, then deletes it', async () => {
    const value = [
      { kind: 'meta', 'odd.key': 1 },
      ...Array.from({ length: 5_000 }, (_, i) => samplePassPayload(i, { notes: 'x'.repeat(3_000) })),
    ];
    const put = await repo.put({ key: 'u1:passes:r1', value });
    expect(put.count).toBe(5_001);
    expect(put.bytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(
      await mongo.collection('bytemark_pass_staging').countDocuments({ key: 'u1:passes:r1', kind: 'chunk' }),
    ).toBeGreaterThan(8);
    expect(await repo.get({ key: 'u1:passes:r1' })).toEqual(value);

    await repo.delete({ key: 'u1:passes:r1' });
    expect(await repo.get({ key: 'u1:passes:r1' })).toBeNull();
    expect(await mongo.collection('bytemark_pass_staging').countDocuments({})).toBe(0);
  });

  it('putting the same key again overwrites it and leaves no chunks of the old value', async () => {
    await repo.put({ key: 'k', value: Array.from({ length: 3_000 }, (_, i) => samplePassPayload(i)) });
    await repo.put({ key: 'k', value: ['small'] });
    expect(await repo.get({ key: 'k' })).toEqual(['small']);
    expect(await mongo.collection('bytemark_pass_staging').countDocuments({ key: 'k' })).toBe(2);
    await repo.put({ key: 'empty', value: [] });
    expect(await repo.get({ key: 'empty' })).toEqual([]);
  });

  it('deleteOlderThan removes values staged before the cutoff, including orphaned chunks, and keeps newer ones', async () => {
    await repo.put({ key: 'old', value: [1, 2, 3] });
    const old = new Date(Date.now() - 3_600_000);
    await mongo.collection('bytemark_pass_staging').updateMany({ key: 'old' }, { $set: { created_at: old } });
    await mongo
      .collection<{ _id: string; [k: string]: unknown }>('bytemark_pass_staging')
      .insertOne({ _id: 'crashed#g#0', kind: 'chunk', key: 'crashed', gen: 'g', seq: 0, created_at: old, items: [1] });
    await repo.put({ key: 'new', value: [4] });

    expect(await repo.deleteOlderThan({ cutoff: new Date(Date.now() - 60_000) })).toBe(1);
    expect(await repo.get({ key: 'old' })).toBeNull();
    expect(await repo.get({ key: 'new' })).toEqual([4]);
    expect(await mongo.collection('bytemark_pass_staging').countDocuments({ key: 'crashed' })).toBe(0);
  });
});
