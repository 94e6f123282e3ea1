import { log } from '@temporalio/activity';
import type {
  CacheChangeSummary,
  PendingEffects,
  TicketCacheDoc,
  UserPurge,
  UserTombstonesRepository,
} from '@btc/data';
import type { PassLists } from './fetch-pass-lists';
import { CacheWriteConflictError } from './errors';
import { finishPendingEffects, type PendingEffectsDeps } from './pending-effects';
import { reconcilePasses } from './reconcile-passes';
import type { RefreshSteps } from './refresh-steps';

/** Attempts at a compare-and-set before the activity fails (retryably) with `CacheWriteConflictError`. */
const MAX_CAS_ATTEMPTS = 3;

/** What a commit needs besides the effects' stores: the tombstones it checks, and the purge that undoes a raced write. */
export interface CommitDeps extends PendingEffectsDeps {
  tombstones: UserTombstonesRepository;
  userPurge: UserPurge;
}

export interface CommittedRefresh {
  change: CacheChangeSummary;
  /** The document version the cache is at now, and how many passes it holds. */
  version: number;
  passCount: number;
  /** When the cache was last written before this refresh (null: there was no cache). */
  previousTimestamp: number | null;
  /** The cache holds lists fetched after this refresh started: it changed nothing (the newer refresh answered). */
  superseded?: boolean;
  /** The rider was purged (before this commit, or while it wrote): nothing it wrote stays. */
  purged?: boolean;
}

const PURGED: CommittedRefresh = {
  change: { outcome: 'unchanged', created: 0, updated: 0, removed: 0, unchanged: 0, newFreeTickets: 0 },
  version: 0,
  passCount: 0,
  previousTimestamp: null,
  purged: true,
};

/**
 * `commitWrites`, unless the rider is tombstoned (`cache purge`): checked before anything is written,
 * and again after the last write. A purge writes its tombstone before it removes the data, so of a
 * purge and this commit racing, either the purge's removal comes after this commit's writes, or this
 * check sees the tombstone and removes what the commit wrote: no document, no audit entry stays.
 */
export async function commitRefresh(
  deps: CommitDeps,
  p: Parameters<typeof commitWrites>[1],
  steps?: RefreshSteps,
): Promise<CommittedRefresh> {
  if (await deps.tombstones.isTombstoned(p.userId)) return PURGED;
  const committed = await commitWrites(deps, p, steps);
  if (!(await deps.tombstones.isTombstoned(p.userId))) return committed;
  log.info('The rider was purged while this refresh wrote; what it wrote is removed', { userId: p.userId });
  await deps.userPurge.removeData(p.userId);
  return PURGED;
}

/**
 * Reconciles the fetched lists with the user's cache document and writes the result with a
 * compare-and-set on its version: the diff (domain §4.1–4.2) is computed against the document
 * actually replaced. The audit entries and the free-ticket row are recorded as pending effects in
 * the same write, then written and cleared; a document left with pending effects by an earlier
 * refresh is finished first. On a lost compare-and-set the document is read and diffed again.
 *
 * Lists are never older than the cache they replace: a document committed by a refresh that started
 * after this one (`lists_fetched_at_us`, MySQL's clock) already holds newer lists, so this refresh
 * writes nothing and says so (`superseded`): a slow sweep never rolls back what a rider was told.
 */
async function commitWrites(
  deps: PendingEffectsDeps,
  p: {
    userId: number;
    mode: 'build' | 'update';
    refreshId: string;
    now: number;
    /** When this refresh started, on MySQL's clock (its lists were fetched after it). */
    fetchedAtUs: number;
    lists: PassLists;
    freeProductUuids: ReadonlySet<string>;
  },
  steps?: RefreshSteps,
): Promise<CommittedRefresh> {
  const { userId, refreshId, now, lists } = p;
  const finish = (doc: TicketCacheDoc) =>
    steps ? steps.db('logs', () => finishPendingEffects(deps, doc)) : finishPendingEffects(deps, doc);
  for (let attempt = 1; ; attempt++) {
    const doc = await deps.cache.findByUserId({ userId });
    const earlier = await finishEarlierCommit(deps, doc, refreshId);
    if (earlier) return earlier;
    if (doc?.pending) await finish(doc);
    if (doc?.lists_fetched_at_us != null && doc.lists_fetched_at_us > p.fetchedAtUs) {
      const passes = passCount(doc);
      const change: CacheChangeSummary = {
        outcome: 'unchanged',
        created: 0,
        updated: 0,
        removed: 0,
        unchanged: passes,
        newFreeTickets: 0,
      };
      log.info('The cache holds lists fetched after this refresh started; it writes nothing', { userId });
      return { change, version: doc.version, passCount: passes, previousTimestamp: doc.timestamp, superseded: true };
    }

    // A rebuild (`build`) of an existing cache keeps what the cache knows of each pass (its free-ticket
    // flag, the free passes announced): only a pass it did not hold is created or announced.
    const built = p.mode === 'build' || doc === null;
    const diff = reconcilePasses({
      mode: built ? 'build' : 'update',
      cached: doc,
      v1: lists.v1.passes,
      v4: lists.v4.passes,
      rejectedUuids: new Set([...lists.v1.rejects, ...lists.v4.rejects].flatMap((r) => (r.uuid ? [r.uuid] : []))),
      now,
      freeProductUuids: p.freeProductUuids,
      announcedFree: announcedFree(doc),
    });
    const changed = built || diff.changes.length > 0 || diff.counts.removed > 0;
    const change: CacheChangeSummary = {
      outcome: built ? 'built' : changed ? 'updated' : 'unchanged',
      ...diff.counts,
      newFreeTickets: diff.newFree.length,
    };
    const previousTimestamp = doc?.timestamp ?? null;

    if (!changed && doc) {
      if (await deps.cache.touch({ userId }, { timestamp: now, expectedVersion: doc.version })) {
        return { change, version: doc.version, passCount: passCount(doc), previousTimestamp };
      }
    } else {
      const pending: PendingEffects | null =
        diff.changes.length > 0 || diff.newFree.length > 0
          ? {
              refresh_id: refreshId,
              timestamp: now,
              changes: diff.changes.map((c) => ({ source: c.source, action: c.action, uuid: c.entry.pass_uuid })),
              new_free: diff.newFree,
            }
          : null;
      const next: TicketCacheDoc = {
        user_id: userId,
        timestamp: now,
        passes: diff.passes,
        passes4: diff.passes4,
        passesLog: [...(doc?.passesLog ?? []), ...lists.v1.envelopes],
        passes4Log: [...(doc?.passes4Log ?? []), ...lists.v4.envelopes],
        version: (doc?.version ?? 0) + 1,
        refresh_id: refreshId,
        lists_fetched_at_us: p.fetchedAtUs,
        refresh_summary: change,
        pending,
        announced_free: [...new Set([...announcedFree(doc), ...diff.newFree])],
      };
      if (await deps.cache.commit({ userId }, next, { expectedVersion: doc ? doc.version : null })) {
        await finish(next);
        return { change, version: next.version, passCount: passCount(next), previousTimestamp };
      }
    }
    if (attempt >= MAX_CAS_ATTEMPTS) throw new CacheWriteConflictError(userId, attempt);
    log.info('The cache changed under this refresh (another writer); diffing again', { userId, attempt });
  }
}

/**
 * When an earlier attempt of refresh `refreshId` committed `doc`: finishes its effects and reports
 * what it did. Null when `doc` is not that attempt's (none, or another refresh's).
 */
export async function finishEarlierCommit(
  deps: PendingEffectsDeps,
  doc: TicketCacheDoc | null,
  refreshId: string,
): Promise<CommittedRefresh | null> {
  if (doc?.refresh_id !== refreshId || !doc.refresh_summary) return null;
  await finishPendingEffects(deps, doc);
  return { change: doc.refresh_summary, version: doc.version, passCount: passCount(doc), previousTimestamp: null };
}

/** Free passes announced before: the recorded ones, and (for documents from before the record) those flagged 1. */
function announcedFree(doc: TicketCacheDoc | null): Set<string> {
  if (!doc) return new Set();
  const flagged = [...doc.passes, ...doc.passes4].filter((e) => e.free_ticket_status === 1).map((e) => e.pass_uuid);
  return new Set([...doc.announced_free, ...flagged]);
}

function passCount(doc: TicketCacheDoc): number {
  return doc.passes.length + doc.passes4.length;
}
