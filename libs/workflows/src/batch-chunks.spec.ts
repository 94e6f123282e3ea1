import { MAX_SEARCH_ATTRIBUTE_VALUE_BYTES, chunkByValueBytes, userIdsValueBytes } from './batch-chunks';

describe('chunkByValueBytes', () => {
  it('keeps 200 five-digit ids in one batch', () => {
    const ids = Array.from({ length: 200 }, (_, i) => 10_000 + i);
    expect(chunkByValueBytes(ids)).toEqual([ids]);
  });

  it('splits 200 ten-digit ids so that every batch value fits 2 KB, keeping every id once in order', () => {
    const ids = Array.from({ length: 200 }, (_, i) => 2_100_000_000 + i);
    expect(userIdsValueBytes(ids)).toBeGreaterThan(2048);
    const chunks = chunkByValueBytes(ids);
    expect(chunks.length).toBe(2);
    for (const chunk of chunks) expect(userIdsValueBytes(chunk)).toBeLessThanOrEqual(MAX_SEARCH_ATTRIBUTE_VALUE_BYTES);
    expect(chunks.flat()).toEqual(ids);
  });

  it('fills each batch as far as the limit allows', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => 1_000_000_000 + i);
    const chunks = chunkByValueBytes(ids, 100);
    for (const chunk of chunks.slice(0, -1)) {
      expect(userIdsValueBytes(chunk)).toBeLessThanOrEqual(100);
      expect(userIdsValueBytes([...chunk, 1_000_000_000])).toBeGreaterThan(100);
    }
  });
});
