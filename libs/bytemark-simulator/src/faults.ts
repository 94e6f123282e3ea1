/** Route labels the simulator serves (and the keys of faults and counters). */
export const API_ROUTES = ['POST /users/login', 'GET /passes', 'GET /v4.0/passes', 'POST /passes/:uuid/uses'] as const;
export type ApiRoute = (typeof API_ROUTES)[number];

export interface LatencySpec {
  fixedMs?: number;
  jitterMs?: number;
}

/**
 * A fault injected on one route. When it fires, every effect it names applies to that request.
 * `times` limits how many requests it fires for (then it is removed); `userId` limits it to one user.
 */
export interface FaultSpec {
  latency?: LatencySpec;
  /** Probability (0..1) that a firing answers `errorStatus` (default 503). */
  errorRate?: number;
  errorStatus?: 500 | 502 | 503 | 504;
  /** Always answer this HTTP status with an error envelope (e.g. 401, 403, 404). */
  httpStatus?: number;
  /** Answer 429 with `Retry-After` as delta-seconds (default) or as an HTTP date that many seconds ahead. */
  rate429?: { retryAfterSeconds?: number; form?: 'seconds' | 'http-date' };
  /** Answer Bytemark's session-expired error (HTTP 200, errors[0].code 50020). */
  sessionExpired?: boolean;
  /** Never answer; the socket is released after `ms` (default 30 s) or when the simulator closes. */
  hang?: boolean | { ms?: number };
  /** A complete body that is not valid JSON. */
  malformedJson?: boolean;
  /** Announce the full Content-Length, send half the body, then drop the connection. */
  truncatedBody?: boolean;
  /** Corrupt one pass in the page: remove a field or give it the wrong type (default time_created, wrong-type). */
  schemaViolation?: boolean | { passIndex?: number; field?: string; mode?: 'missing' | 'wrong-type' };
  /** The same passes with their keys in reverse order. */
  reorderKeys?: boolean;
  /**
   * A list response without its pass array (HTTP 200, `errors: []`): `absent` (default) deletes
   * `data.passes`, `renamed` moves it to `data.items`, `null-data` answers `data: null`.
   */
  missingPassArray?: boolean | { mode?: MissingPassArrayMode };
  /** Pad the answer (a top-level `padding` string) to at least this many bytes; the JSON stays valid. */
  oversizeBodyBytes?: number;
  /** A list API whose paging misbehaves (see PaginationQuirk). */
  pagination?: PaginationQuirk;
  /**
   * One pass listed twice in the page: the pass `uuid` names (else the one at `passIndex`, default 0)
   * and a copy whose `field` (default `note`) is set to `value` (default 'duplicate copy');
   * `copyFirst` lists the copy first.
   */
  duplicatePass?: boolean | { uuid?: string; passIndex?: number; field?: string; value?: unknown; copyFirst?: boolean };
  /**
   * One more key on the pass at `passIndex` (default 0), as an own key whatever its name (`__proto__`
   * included, as JSON.parse makes it): an odd payload, the stored pass is not touched.
   */
  extraKey?: { passIndex?: number; key: string; value: unknown };
  /** The message of the error envelope this fault answers (httpStatus, errorRate, rate429, sessionExpired). */
  errorMessage?: string;
  times?: number;
  userId?: number;
}

export type MissingPassArrayMode = 'absent' | 'renamed' | 'null-data';

/**
 * Paging as broken APIs do it: `next` announces a next page on every page, the last and the empty
 * ones past the end included (`nextAlways`); every `page` answers page 1 (`ignorePage`);
 * `total_count` and `page_count` sent as `null` or as numeric strings (`counts`).
 */
export interface PaginationQuirk {
  nextAlways?: boolean;
  ignorePage?: boolean;
  counts?: 'null' | 'string';
}

interface FaultEntry {
  spec: FaultSpec;
  remaining: number;
}

/** Runtime faults per route. */
export class FaultRegistry {
  private readonly entries = new Map<string, FaultEntry>();

  /** Sets (or with null clears) the fault of each given route; other routes keep theirs. */
  set(faults: Record<string, FaultSpec | null>): void {
    for (const [route, spec] of Object.entries(faults)) {
      if (spec === null) this.entries.delete(route);
      else this.entries.set(route, { spec, remaining: spec.times ?? Number.POSITIVE_INFINITY });
    }
  }

  clear(): void {
    this.entries.clear();
  }

  list(): Record<string, FaultSpec & { remaining: number | null }> {
    const out: Record<string, FaultSpec & { remaining: number | null }> = {};
    for (const [route, e] of this.entries)
      out[route] = { ...e.spec, remaining: Number.isFinite(e.remaining) ? e.remaining : null };
    return out;
  }

  /** The fault that fires for this request, if any; counts one use of `times`. */
  take(route: string, userId: number | undefined): FaultSpec | undefined {
    const entry = this.entries.get(route);
    if (!entry) return undefined;
    if (entry.spec.userId !== undefined && entry.spec.userId !== userId) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries.delete(route);
    return entry.spec;
  }
}

/** Milliseconds to wait for a latency spec (fixed plus uniform jitter). */
export function latencyMs(spec: LatencySpec | undefined, random: () => number = Math.random): number {
  if (!spec) return 0;
  return Math.max(0, (spec.fixedMs ?? 0) + (spec.jitterMs ? random() * spec.jitterMs : 0));
}

/** Returns the passes with one corrupted as the spec says; the stored pass is not touched. */
export function violateSchema<T extends Record<string, unknown>>(passes: T[], spec: FaultSpec['schemaViolation']): T[] {
  const opts = typeof spec === 'object' ? spec : {};
  const index = opts.passIndex ?? 0;
  const field = opts.field ?? 'time_created';
  const target = passes[index];
  if (!target) return passes;
  const copy: Record<string, unknown> = { ...target };
  if ((opts.mode ?? 'wrong-type') === 'missing') delete copy[field];
  else copy[field] = typeof copy[field] === 'number' ? 'not-a-number' : 1717171717;
  return passes.map((p, i) => (i === index ? (copy as T) : p));
}

/** The same object with its keys in reverse order. */
export function reorderKeys<T extends Record<string, unknown>>(pass: T): T {
  return Object.fromEntries(Object.entries(pass).reverse()) as T;
}

/** The envelope with its pass array removed as the spec says; other `data` fields are kept. */
export function dropPassArray(
  payload: Record<string, unknown>,
  spec: FaultSpec['missingPassArray'],
): Record<string, unknown> {
  const mode = (typeof spec === 'object' ? spec.mode : undefined) ?? 'absent';
  if (mode === 'null-data') return { ...payload, data: null };
  const data = payload['data'];
  if (!data || typeof data !== 'object') return payload;
  const { passes, ...rest } = data as Record<string, unknown>;
  return { ...payload, data: mode === 'renamed' ? { ...rest, items: passes } : rest };
}

/** The envelope with a top-level `padding` string that makes its JSON at least `bytes` long. */
export function padPayload(payload: Record<string, unknown>, bytes: number): Record<string, unknown> {
  const base = Buffer.byteLength(JSON.stringify({ ...payload, padding: '' }));
  return { ...payload, padding: 'x'.repeat(Math.max(0, Math.ceil(bytes) - base)) };
}

/** The passes with one listed twice (see FaultSpec.duplicatePass); the stored pass is not touched. */
export function duplicatePass<T extends Record<string, unknown>>(passes: T[], spec: FaultSpec['duplicatePass']): T[] {
  const opts = typeof spec === 'object' ? spec : {};
  const index = opts.uuid !== undefined ? passes.findIndex((p) => p['uuid'] === opts.uuid) : (opts.passIndex ?? 0);
  const target = passes[index];
  if (!target) return passes;
  const copy = { ...target, [opts.field ?? 'note']: opts.value ?? 'duplicate copy' } as T;
  const pair = opts.copyFirst ? [copy, target] : [target, copy];
  return [...passes.slice(0, index), ...pair, ...passes.slice(index + 1)];
}

/** The passes with one more own key on one of them (see FaultSpec.extraKey). */
export function addExtraKey<T extends Record<string, unknown>>(
  passes: T[],
  spec: NonNullable<FaultSpec['extraKey']>,
): T[] {
  const index = spec.passIndex ?? 0;
  return passes.map((p, i) => (i === index ? ({ ...p, [spec.key]: spec.value } as T) : p));
}
