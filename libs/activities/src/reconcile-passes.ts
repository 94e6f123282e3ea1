import type { BytemarkPass } from '@btc/bytemark-client';
import { passProductUuid } from '@btc/bytemark-client';
import { passPayloadHash, type PassEntry, type PassSource } from '@btc/data';

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
  /** Null: the list is the one the cache was last built from (same list hash), so its entries stay as they are. */
  v1: BytemarkPass[] | null;
  v4: BytemarkPass[] | null;
  /** Uuids whose payload the client rejected: their cached entries are kept as they are, never dropped. */
  rejectedUuids: ReadonlySet<string>;
  now: number;
  freeProductUuids: ReadonlySet<string>;
  /** Free passes already announced (even if they left the lists since): never new free tickets again. */
  announcedFree?: ReadonlySet<string>;
}

export interface ReconcileOutput {
  passes: PassEntry[];
  passes4: PassEntry[];
  changes: PassChange[];
  counts: { created: number; updated: number; removed: number; unchanged: number };
  /** Uuids of new v1 passes with a free product; empty on a first build (passes present then never count). */
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

  if (params.cached === null) {
    if (params.v1 === null || params.v4 === null) throw new Error('a build needs both pass lists');
    return {
      passes: sortEntries(dedupe(params.v1).map((p) => create('passes', p, 0))),
      passes4: sortEntries(dedupe(params.v4).map((p) => create('passes4', p, 0))),
      changes,
      counts,
      newFree,
    };
  }
  const { cached } = params;

  const merge = (source: PassSource, cachedEntry: PassEntry, pass: BytemarkPass): PassEntry => {
    const hash = passPayloadHash(pass);
    if (hash === cachedEntry.payload_hash) {
      counts.unchanged += 1;
      return cachedEntry;
    }
    const entry = toEntry(pass, now, cachedEntry.free_ticket_status, hash);
    changes.push({ source, action: 'update', entry });
    counts.updated += 1;
    return entry;
  };

  const rebuild = params.mode === 'build';
  if (rebuild && (params.v1 === null || params.v4 === null)) throw new Error('a build needs both pass lists');
  const passes = params.v1 === null ? keep(cached.passes) : rebuildPasses(params.v1);
  const passes4 = params.v4 === null ? keep(cached.passes4) : updateHistory(params.v4, rebuild);
  return { passes: sortEntries(passes), passes4: sortEntries(passes4), changes, counts, newFree };

  function keep(entries: PassEntry[]): PassEntry[] {
    counts.unchanged += entries.length;
    return [...entries];
  }

  /**
   * `passes` is rebuilt from v1: a known pass is compared by hash, an unknown one is created (and
   * flagged when its product is free), and cached passes v1 no longer lists are dropped, which prunes
   * the expired ones. A cached pass whose new payload was rejected keeps its cached entry.
   */
  function rebuildPasses(v1: BytemarkPass[]): PassEntry[] {
    const known = new Map(cached.passes.map((e) => [e.pass_uuid, e] as const));
    const rebuilt: PassEntry[] = [];
    for (const pass of dedupe(v1)) {
      const cachedEntry = known.get(pass.uuid);
      if (cachedEntry) {
        rebuilt.push(merge('passes', cachedEntry, pass));
        continue;
      }
      const productUuid = passProductUuid(pass);
      const free = productUuid !== null && params.freeProductUuids.has(productUuid);
      if (free && !params.announcedFree?.has(pass.uuid)) newFree.push(pass.uuid);
      rebuilt.push(create('passes', pass, free ? 1 : 0));
    }
    const listed = new Set(rebuilt.map((e) => e.pass_uuid));
    for (const entry of cached.passes) {
      if (listed.has(entry.pass_uuid)) continue;
      if (params.rejectedUuids.has(entry.pass_uuid) && !TERMINAL_STATUSES.has(entry.status)) {
        rebuilt.push(entry);
        counts.unchanged += 1;
      } else {
        counts.removed += 1;
      }
    }
    return rebuilt;
  }

  /**
   * `passes4` is updated incrementally: new passes appended, changed ones replaced, none removed. A
   * rebuild (`build`) drops the entries v4 no longer lists, as the original's `buildTicketCache` did.
   */
  function updateHistory(v4: BytemarkPass[], rebuild: boolean): PassEntry[] {
    const history = new Map(cached.passes4.map((e) => [e.pass_uuid, e] as const));
    const listed = new Set<string>();
    for (const pass of dedupe(v4)) {
      listed.add(pass.uuid);
      const cachedEntry = history.get(pass.uuid);
      history.set(pass.uuid, cachedEntry ? merge('passes4', cachedEntry, pass) : create('passes4', pass, 0));
    }
    for (const entry of cached.passes4) {
      if (listed.has(entry.pass_uuid)) continue;
      if (rebuild && !params.rejectedUuids.has(entry.pass_uuid)) {
        history.delete(entry.pass_uuid);
        counts.removed += 1;
      } else {
        counts.unchanged += 1;
      }
    }
    return [...history.values()];
  }
}

function toEntry(pass: BytemarkPass, now: number, freeTicketStatus: number, hash = passPayloadHash(pass)): PassEntry {
  return {
    pass_uuid: pass.uuid,
    timestamp: now,
    status: pass.status,
    free_ticket_status: freeTicketStatus,
    payload: pass,
    payload_hash: hash,
  };
}

/**
 * A uuid listed twice in one response keeps one payload, the same whatever the order Bytemark lists
 * them in (the one with the greatest payload hash): otherwise a list that comes back reordered would
 * flip the cached payload, and an audit entry, on every refresh.
 */
function dedupe(passes: BytemarkPass[]): BytemarkPass[] {
  const kept = new Map<string, { pass: BytemarkPass; hash: string }>();
  for (const pass of passes) {
    const hash = passPayloadHash(pass);
    const current = kept.get(pass.uuid);
    if (!current || hash > current.hash) kept.set(pass.uuid, { pass, hash });
  }
  return [...kept.values()].map((k) => k.pass);
}

/** Oldest first by `time_created` (ISO strings compare as dates); ties broken by uuid for a stable order. */
function sortEntries(entries: PassEntry[]): PassEntry[] {
  const created = (e: PassEntry) => Date.parse(String(e.payload['time_created'])) || 0;
  return entries.sort((a, b) => created(a) - created(b) || a.pass_uuid.localeCompare(b.pass_uuid));
}
