import type { BytemarkPass } from '@btc/bytemark-client';
import { passProductUuid } from '@btc/bytemark-client';
import type { PassEntry } from '@btc/data';
import { passPayloadHash } from '@btc/data';
import type { PassSource } from '@btc/workflows';

/** Statuses after which a pass can never be used again; pruned from `passes` on update (domain §6 #18). */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['EXPIRED', 'USES_GONE']);

export interface PassChange {
  source: PassSource;
  action: 'create' | 'update';
  entry: PassEntry;
}

export interface ReconcileParams {
  mode: 'build' | 'update';
  cached: { passes: PassEntry[]; passes4: PassEntry[] } | null;
  v1: BytemarkPass[];
  v4: BytemarkPass[];
  /** Uuids whose payload the client rejected: their cached entries are kept as they are, never dropped. */
  rejectedUuids: ReadonlySet<string>;
  now: number;
  freeProductUuids: ReadonlySet<string>;
}

export interface ReconcileOutput {
  passes: PassEntry[];
  passes4: PassEntry[];
  changes: PassChange[];
  counts: { created: number; updated: number; removed: number; unchanged: number };
  /** Uuids of new v1 passes with a free product; empty on build (passes present at first build never count). */
  newFree: string[];
}

/**
 * The hash-diff of `buildTicketCache` / `updateTicketCache` (domain §4.1–4.2), as a pure function:
 * `passes` is rebuilt from v1 (terminal entries pruned), `passes4` is updated incrementally, and each
 * pass is compared by canonical payload hash. Both arrays come out sorted by `time_created`.
 */
export function reconcilePasses(params: ReconcileParams): ReconcileOutput {
  const { now } = params;
  const changes: PassChange[] = [];
  const counts = { created: 0, updated: 0, removed: 0, unchanged: 0 };
  const newFree: string[] = [];

  const create = (source: PassSource, pass: BytemarkPass, freeTicketStatus: number): PassEntry => {
    const entry = toEntry(pass, now, freeTicketStatus);
    changes.push({ source, action: 'create', entry });
    counts.created += 1;
    return entry;
  };

  if (params.mode === 'build' || params.cached === null) {
    return {
      passes: sortEntries(dedupe(params.v1).map((p) => create('passes', p, 0))),
      passes4: sortEntries(dedupe(params.v4).map((p) => create('passes4', p, 0))),
      changes,
      counts,
      newFree,
    };
  }

  const merge = (source: PassSource, cachedEntry: PassEntry, pass: BytemarkPass): PassEntry => {
    const hash = passPayloadHash(pass);
    if (hash === cachedEntry.payload_hash) {
      counts.unchanged += 1;
      return cachedEntry;
    }
    const entry = { ...toEntry(pass, now, cachedEntry.free_ticket_status), payload_hash: hash };
    changes.push({ source, action: 'update', entry });
    counts.updated += 1;
    return entry;
  };

  // passes: rebuilt from v1; cached terminal entries are pruned first.
  const live = new Map(
    params.cached.passes.filter((e) => !TERMINAL_STATUSES.has(e.status)).map((e) => [e.pass_uuid, e] as const),
  );
  const passes: PassEntry[] = [];
  for (const pass of dedupe(params.v1)) {
    const cachedEntry = live.get(pass.uuid);
    if (cachedEntry) {
      passes.push(merge('passes', cachedEntry, pass));
      continue;
    }
    const productUuid = passProductUuid(pass);
    const free = productUuid !== null && params.freeProductUuids.has(productUuid);
    if (free) newFree.push(pass.uuid);
    passes.push(create('passes', pass, free ? 1 : 0));
  }
  const rebuilt = new Set(passes.map((e) => e.pass_uuid));
  for (const entry of params.cached.passes) {
    if (rebuilt.has(entry.pass_uuid)) continue;
    if (params.rejectedUuids.has(entry.pass_uuid) && !TERMINAL_STATUSES.has(entry.status)) {
      passes.push(entry);
      counts.unchanged += 1;
    } else {
      counts.removed += 1;
    }
  }

  // passes4: incremental; entries are never removed.
  const history = new Map(params.cached.passes4.map((e) => [e.pass_uuid, e] as const));
  for (const pass of dedupe(params.v4)) {
    const cachedEntry = history.get(pass.uuid);
    history.set(pass.uuid, cachedEntry ? merge('passes4', cachedEntry, pass) : create('passes4', pass, 0));
  }
  const seenV4 = new Set(params.v4.map((p) => p.uuid));
  for (const entry of params.cached.passes4) if (!seenV4.has(entry.pass_uuid)) counts.unchanged += 1;

  return { passes: sortEntries(passes), passes4: sortEntries([...history.values()]), changes, counts, newFree };
}

function toEntry(pass: BytemarkPass, now: number, freeTicketStatus: number): PassEntry {
  return {
    pass_uuid: pass.uuid,
    timestamp: now,
    status: pass.status,
    free_ticket_status: freeTicketStatus,
    payload: pass,
    payload_hash: passPayloadHash(pass),
  };
}

/** A uuid listed twice in one response keeps its last occurrence. */
function dedupe(passes: BytemarkPass[]): BytemarkPass[] {
  return [...new Map(passes.map((p) => [p.uuid, p] as const)).values()];
}

/** Oldest first by `time_created` (ISO strings compare as dates); ties broken by uuid for a stable order. */
function sortEntries(entries: PassEntry[]): PassEntry[] {
  const created = (e: PassEntry) => Date.parse(String(e.payload['time_created'])) || 0;
  return entries.sort((a, b) => created(a) - created(b) || a.pass_uuid.localeCompare(b.pass_uuid));
}
