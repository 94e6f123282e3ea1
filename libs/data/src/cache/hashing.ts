import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal values serialise identically whatever the
 * key order. Follows `JSON.stringify` semantics otherwise (undefined/function members are dropped,
 * `undefined` in arrays becomes null, `toJSON` is honoured, non-finite numbers become null).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return sortKeys(withJson.toJSON());
  if (Array.isArray(value)) return value.map(sortKeys);
  // No prototype: a `__proto__` key (JSON.parse makes it an own property) is kept like any other.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** MD5 hex of the canonical JSON of a pass payload (the cache's change detector). */
export function passPayloadHash(payload: unknown): string {
  return createHash('md5').update(canonicalJson(payload)).digest('hex');
}

/** The deterministic `_id` of an audit-log entry: the same change in the same refresh is stored once. */
export function ticketLogChangeId(p: { refreshId: string; source: string; uuid: string; payloadHash: string }): string {
  return createHash('sha1').update(`${p.refreshId}\n${p.source}\n${p.uuid}\n${p.payloadHash}`).digest('hex');
}
