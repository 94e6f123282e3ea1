/**
 * Temporal's limit on one search attribute value (`frontend.searchAttributesSizeOfValueLimit`,
 * 2,048 bytes of the encoded value, JSON quotes included), less a margin.
 */
export const MAX_SEARCH_ATTRIBUTE_VALUE_BYTES = 2_000;

/** The encoded size of a `BytemarkUserIds` value: `["1234567890","…"]`. */
export function userIdsValueBytes(userIds: readonly number[]): number {
  return JSON.stringify(userIds.map(String)).length;
}

/**
 * Splits a page of user ids into batches whose `BytemarkUserIds` value fits the limit: by bytes, not
 * by count, so 200 ten-digit ids make two batches where 200 five-digit ids make one. Order is kept.
 */
export function chunkByValueBytes(userIds: readonly number[], maxBytes = MAX_SEARCH_ATTRIBUTE_VALUE_BYTES): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 2; // the brackets
  for (const id of userIds) {
    const idBytes = String(id).length + 2; // the quotes
    if (current.length > 0 && bytes + 1 + idBytes > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 2;
    }
    bytes += (current.length > 0 ? 1 : 0) + idBytes; // a comma before all but the first
    current.push(id);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
