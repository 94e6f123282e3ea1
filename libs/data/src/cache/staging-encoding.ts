import { escapePayloadKeys, unescapePayloadKeys } from './payload-keys';
import { MAX_DOCUMENT_BYTES, bsonSize } from './ticket-cache.repository';

/**
 * How a staged value is stored: its items, keys escaped for MongoDB (`payload-keys.ts`), split into
 * chunks of about `chunkBytes` of BSON each (an item is never split; one over the document limit is
 * refused, naming it).
 */
export function encodeChunks(
  key: string,
  items: readonly unknown[],
  chunkBytes: number,
): { chunks: unknown[][]; bytes: number } {
  const chunks: unknown[][] = [];
  let current: unknown[] = [];
  let currentBytes = 0;
  let bytes = 0;
  for (const [i, item] of items.entries()) {
    const escaped = escapePayloadKeys(item, `staged ${key}[${i}]`);
    const size = bsonSize({ v: escaped });
    if (size > MAX_DOCUMENT_BYTES - 1024)
      throw new Error(`staged item ${key}[${i}] is ${size} bytes, over the document limit`);
    if (current.length > 0 && currentBytes + size > chunkBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(escaped);
    currentBytes += size;
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return { chunks, bytes };
}

/** The items of a staged value from its chunks, in order, keys unescaped. */
export function decodeChunks(chunks: ReadonlyArray<readonly unknown[]>): unknown[] {
  return chunks.flatMap((items) => items.map((item) => unescapePayloadKeys(item)));
}
