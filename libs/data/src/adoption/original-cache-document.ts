/**
 * One cache document of the original platform, read as this service needs it: pure functions, no
 * I/O (`OriginalCacheAdoption` does the reading and writing).
 */
import { createHash } from 'node:crypto';
import { passPayloadHash } from '../cache/hashing';
import { unescapePayloadKeys } from '../cache/payload-keys';
import type { ListHashes } from '../cache/ticket-cache-state.repository';

/** A document's fields without `_id`. */
export type Fields = Record<string, unknown>;

/**
 * A stored timestamp at or above this is in milliseconds: 10^11 ms is March 1973, 10^11 s is the
 * year 5138, so no real value of either unit falls on the wrong side.
 */
export const MILLISECONDS_THRESHOLD = 100_000_000_000;

/** Unix seconds from a stored timestamp: milliseconds are divided down, a `Date` or numeric string converted; null if unreadable. */
export function toUnixSeconds(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (value instanceof Date) n = value.getTime();
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) n = Number(value.trim());
  else return null;
  if (!Number.isFinite(n) || n < 0) return null;
  return n >= MILLISECONDS_THRESHOLD ? Math.floor(n / 1000) : n;
}

/**
 * The hash a refresh computes for a Bytemark pass list (`passListHash` in `@btc/activities`: MD5 over
 * the sorted `uuid:passPayloadHash` lines), computed here from a stored list's payloads. Null when an
 * entry has no payload with a uuid: such a list never matches, so the first refresh reads the document.
 */
export function storedPassListHash(entries: unknown): string | null {
  if (entries === undefined || entries === null) entries = [];
  if (!Array.isArray(entries)) return null;
  const lines: string[] = [];
  for (const entry of entries) {
    const payload = isObject(entry) ? unescapePayloadKeys(entry['payload']) : null;
    if (!isObject(payload) || typeof payload['uuid'] !== 'string') return null;
    lines.push(`${payload['uuid']}:${passPayloadHash(payload)}`);
  }
  return createHash('md5').update(lines.sort().join('\n')).digest('hex');
}

/** A cache document as adoption stores it, and what changed from the stored one. */
export interface NormalisedCacheDocument {
  /** Every field of the stored document except `_id`, in its order; only the fields below can differ. */
  fields: Fields;
  /** The document's `timestamp` in unix seconds (0 when it was missing or unreadable). */
  timestamp: number;
  userIdChanged: boolean;
  documentTimestampNormalised: boolean;
  entryTimestampsNormalised: number;
  hashesRewritten: number;
  listHashes: ListHashes;
  passCount: number;
}

/**
 * Normalises one stored cache document for this service, keeping the original's field names and
 * types: `user_id` a Number, `timestamp` and each pass entry's `timestamp` in unix seconds, and each
 * `payload_hash` our canonical `passPayloadHash` (the original's `md5(JSON.stringify(payload))`
 * depends on key order). No field is added (`version` stays absent: 0, written by the original) and
 * none removed.
 */
export function normaliseCacheDocument(raw: Fields, userId: number): NormalisedCacheDocument {
  const { _id: _ignored, ...rest } = raw;
  const fields: Fields = { ...rest, user_id: userId };
  const timestamp = toUnixSeconds(rest['timestamp']) ?? 0;
  fields['timestamp'] = timestamp;
  let entryTimestampsNormalised = 0;
  let hashesRewritten = 0;
  const normaliseEntry = (entry: unknown): unknown => {
    if (!isObject(entry)) return entry;
    const out: Fields = { ...entry };
    if ('timestamp' in entry) {
      const seconds = toUnixSeconds(entry['timestamp']);
      if (seconds !== null && seconds !== entry['timestamp']) {
        out['timestamp'] = seconds;
        entryTimestampsNormalised += 1;
      }
    }
    const payload = unescapePayloadKeys(entry['payload']);
    if (isObject(payload)) {
      const hash = passPayloadHash(payload);
      if (hash !== entry['payload_hash']) {
        out['payload_hash'] = hash;
        hashesRewritten += 1;
      }
    }
    return out;
  };
  let passCount = 0;
  for (const list of ['passes', 'passes4'] as const) {
    const entries = rest[list];
    if (Array.isArray(entries)) {
      fields[list] = entries.map(normaliseEntry);
      passCount += entries.length;
    }
  }
  return {
    fields,
    timestamp,
    userIdChanged: rest['user_id'] !== userId,
    documentTimestampNormalised: timestamp !== rest['timestamp'],
    entryTimestampsNormalised,
    hashesRewritten,
    listHashes: { passes: storedPassListHash(fields['passes']), passes4: storedPassListHash(fields['passes4']) },
    passCount,
  };
}

export function isChanged(n: NormalisedCacheDocument): boolean {
  return n.userIdChanged || n.documentTimestampNormalised || n.entryTimestampsNormalised > 0 || n.hashesRewritten > 0;
}

/** A stored `user_id` as a user id (a positive integer Number, or an integer string), else null. */
export function toUserId(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function isObject(v: unknown): v is Fields {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A stored document's `timestamp` in unix seconds (0 when missing or unreadable). */
export function timestampOf(doc: Fields): number {
  return toUnixSeconds(doc['timestamp']) ?? 0;
}
