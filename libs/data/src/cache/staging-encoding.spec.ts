import { decodeChunks, encodeChunks } from './staging-encoding';

describe('staging encoding', () => {
  it('splits items into chunks of about the given size, never splitting an item, and decodes them back in order', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ i, pad: 'x'.repeat(400) }));
    const { chunks, bytes } = encodeChunks('k', items, 1000);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.flat()).toHaveLength(10);
    expect(bytes).toBeGreaterThan(4000);
    expect(decodeChunks(chunks)).toEqual(items);
  });

  it('stores keys MongoDB cannot hold escaped, and gives them back as they were', () => {
    const item = { 'a.b': 1, $c: { 'd.e': [{ $f: 2 }] } };
    const { chunks } = encodeChunks('k', [item], 1000);
    expect(Object.keys(chunks[0]![0] as object)).toEqual(['a\uFF0Eb', '\uFF04c']);
    expect(decodeChunks(chunks)).toEqual([item]);
  });

  it('refuses an item over the document limit, naming it', () => {
    expect(() => encodeChunks('big', [{ blob: 'x'.repeat(17 * 1024 * 1024) }], 1000)).toThrow(/staged item big\[0\]/);
  });
});
