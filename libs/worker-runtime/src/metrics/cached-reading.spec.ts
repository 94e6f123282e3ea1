import { cachedReading } from './cached-reading';

describe('cachedReading (the MySQL gauges at scrape time)', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000_000));

  it('reads at most once per interval however often it is scraped, and scrapes during a read share it', async () => {
    let reads = 0;
    const read = cachedReading(async () => ++reads, { maxAgeMs: 15_000, now, onError: () => undefined });
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    clock += 14_999;
    expect(await read()).toBe(1);
    clock += 1;
    expect(await read()).toBe(2);
    expect(reads).toBe(2);
  });

  it('a failed read is reported once, serves the last good reading, and is tried again only after the interval', async () => {
    const errors: unknown[] = [];
    let fail = false;
    let reads = 0;
    const read = cachedReading(
      async () => {
        reads++;
        if (fail) throw new Error('MySQL is down');
        return reads;
      },
      { maxAgeMs: 10_000, now, onError: (e) => errors.push(e) },
    );
    expect(await read()).toBe(1);
    fail = true;
    clock += 10_000;
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    expect(await read()).toBe(1);
    expect(errors).toHaveLength(1);
    expect(reads).toBe(2);
    fail = false;
    clock += 10_000;
    expect(await read()).toBe(3);
  });

  it('before any good reading a failure serves undefined, and a read that throws synchronously is a failure too', async () => {
    const errors: unknown[] = [];
    const read = cachedReading<number>(
      () => {
        throw new Error('no pool');
      },
      { maxAgeMs: 1000, now, onError: (e) => errors.push(e) },
    );
    await expect(read()).resolves.toBeUndefined();
    expect(errors).toEqual([new Error('no pool')]);
  });
});
