import { ApplicationFailure, log } from '@temporalio/activity';
import type { BytemarkPass } from '@btc/bytemark-client';
import {
  ticketLogChangeId,
  type BytemarkTokensRepository,
  type RefreshLogRepository,
  type StagingRepository,
  type TicketCacheDoc,
  type TicketCacheRepository,
  type TicketLogEntry,
  type TicketLogRepository,
} from '@btc/data';
import type { ReconcileResult, TicketCacheActivities } from '@btc/workflows';
import type { StagedListMeta } from './bytemark.activities';
import { reconcilePasses, type PassChange } from './reconcile-passes';

export interface TicketCacheActivityDeps {
  tokens: BytemarkTokensRepository;
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
  refreshLog: RefreshLogRepository;
  staging: StagingRepository;
  config: {
    ttlSeconds: number;
    /** A cache this close to the TTL counts as stale, so an hourly sweep never skips a cache refreshed by the last one. */
    graceSeconds: number;
    freeProductUuids: readonly string[];
  };
  now?: () => number;
}

/** First element of staged changes: the new free passes; the rest are audit entries. */
interface StagedChangesMeta {
  kind: 'meta';
  newFree: string[];
}

type AuditEntry = TicketLogEntry & { _id: string };

export function createTicketCacheActivities(deps: TicketCacheActivityDeps): TicketCacheActivities {
  const { tokens, cache, logs, refreshLog, staging, config } = deps;
  const nowSeconds = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const freeProducts = new Set(config.freeProductUuids);

  const readStagedList = async (key: string | null) => {
    if (key === null) return null;
    const value = await staging.get({ key });
    const [meta, ...passes] = value ?? [];
    if (!isMeta<StagedListMeta>(meta)) {
      throw ApplicationFailure.create({
        message: `staged pass list ${key} is missing; the fetch must run again`,
        type: 'StagingMissingError',
        nonRetryable: true,
      });
    }
    return { meta, passes: passes as BytemarkPass[] };
  };

  return {
    async readCacheState({ userId }) {
      const state = await cache.refreshState({ userId });
      if (!state) return { exists: false, timestamp: null, ageSeconds: null, stale: true, sourceHashes: null };
      const { timestamp, sourceHashes } = state;
      const ageSeconds = nowSeconds() - timestamp;
      const stale = ageSeconds >= config.ttlSeconds - config.graceSeconds;
      return { exists: true, timestamp, ageSeconds, stale, sourceHashes };
    },

    async lookupToken({ userId }) {
      const account = await tokens.findByUserId(userId);
      return { hasToken: Boolean(account?.token) };
    },

    async reconcileTicketCache({ userId, refreshId, mode, passesKey, passes4Key, now }) {
      const existing = await cache.findByUserId({ userId });
      if (existing?.refresh_id === refreshId && existing.refresh_summary) {
        log.info('This run already committed its diff; returning the recorded summary', { userId });
        return existing.refresh_summary as unknown as ReconcileResult;
      }
      const [v1, v4] = await Promise.all([readStagedList(passesKey), readStagedList(passes4Key)]);
      const built = mode === 'build' || !existing;
      if (built && (v1 === null || v4 === null)) {
        throw ApplicationFailure.create({
          message: `the cache of user ${userId} disappeared during the refresh; the next run rebuilds it`,
          type: 'CacheChangedError',
          nonRetryable: true,
        });
      }
      const diff = reconcilePasses({
        mode: built ? 'build' : 'update',
        cached: built ? null : existing,
        v1: v1?.passes ?? null,
        v4: v4?.passes ?? null,
        rejectedUuids: new Set([...(v1?.meta.rejectedUuids ?? []), ...(v4?.meta.rejectedUuids ?? [])]),
        now,
        freeProductUuids: freeProducts,
      });
      const changed = built || diff.changes.length > 0 || diff.counts.removed > 0;
      const changesKey = diff.changes.length > 0 || diff.newFree.length > 0 ? `${refreshId}/changes` : null;
      const result: ReconcileResult = {
        outcome: built ? 'built' : changed ? 'updated' : 'unchanged',
        ...diff.counts,
        newFreeTickets: diff.newFree.length,
        changesKey,
      };

      if (changesKey) {
        // Staged before the cache write: a crash after the write can still complete the log writes.
        const entries = toAuditEntries({ userId, refreshId, now, changes: diff.changes });
        const meta: StagedChangesMeta = { kind: 'meta', newFree: diff.newFree };
        await staging.put({ key: changesKey, userId, value: [meta, ...entries] });
      }

      const summary = result as unknown as Record<string, unknown>;
      const sourceHashes = {
        passes: v1 ? v1.meta.listHash : (existing?.source_hashes?.passes ?? null),
        passes4: v4 ? v4.meta.listHash : (existing?.source_hashes?.passes4 ?? null),
      };
      if (!changed) {
        await cache.touch({ userId }, { timestamp: now, refreshId, refreshSummary: summary, sourceHashes });
        return result;
      }
      const doc: TicketCacheDoc = {
        user_id: userId,
        timestamp: now,
        passes: diff.passes,
        passes4: diff.passes4,
        passesLog: [...(existing?.passesLog ?? []), ...(v1?.meta.envelopes ?? [])],
        passes4Log: [...(existing?.passes4Log ?? []), ...(v4?.meta.envelopes ?? [])],
        source_hashes: sourceHashes,
        refresh_id: refreshId,
        refresh_summary: summary,
      };
      await cache.replace({ userId }, doc);
      return result;
    },

    async writeRefreshLogs({ userId, changesKey }) {
      const [meta, ...entries] = (await staging.get({ key: changesKey })) ?? [];
      if (!isMeta<StagedChangesMeta>(meta)) {
        throw ApplicationFailure.create({
          message: `staged changes ${changesKey} are missing`,
          type: 'StagingMissingError',
          nonRetryable: true,
        });
      }
      const written = await logs.insertMany({ userId }, entries as AuditEntry[]);
      let freeTicketRowId: number | null = null;
      if (meta.newFree.length > 0) {
        freeTicketRowId = (await refreshLog.recordFreeTickets({ userId, passUuids: meta.newFree })).id;
        log.info('New free tickets detected; queued the reward notification', { userId, passes: meta.newFree.length });
      }
      return { auditEntries: written.inserted, alreadyPresent: written.alreadyPresent, freeTicketRowId };
    },

    async discardStaging({ keys }) {
      await Promise.all(keys.map((key) => staging.delete({ key })));
    },

    async listSweepPage({ cursor, limit, select }) {
      const userIds = await tokens.listTokenUserIds({ afterUserId: cursor, limit });
      const nextCursor = userIds.length < limit ? null : (userIds[userIds.length - 1] ?? null);
      if (select === 'all') return { userIds, seen: userIds.length, skippedFresh: 0, nextCursor };
      const timestamps = await cache.timestamps({ userIds });
      const freshAfter = nowSeconds() - (config.ttlSeconds - config.graceSeconds);
      const selected = userIds.filter((id) => {
        const timestamp = timestamps.get(id);
        if (timestamp === undefined) return true;
        return select === 'stale' && timestamp <= freshAfter;
      });
      return { userIds: selected, seen: userIds.length, skippedFresh: userIds.length - selected.length, nextCursor };
    },

    async countTicketCaches() {
      return { count: await cache.count() };
    },
  };
}

function isMeta<T extends { kind: 'meta' }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'meta';
}

/** One `bytemark_tickets_log` entry per change, under a deterministic id: writing it again stores it once. */
export function toAuditEntries(p: {
  userId: number;
  refreshId: string;
  now: number;
  changes: PassChange[];
}): AuditEntry[] {
  return p.changes.map(({ source, action, entry }) => ({
    _id: ticketLogChangeId({ refreshId: p.refreshId, source, uuid: entry.pass_uuid, payloadHash: entry.payload_hash }),
    user_id: p.userId,
    timestamp: p.now,
    uuid: entry.pass_uuid,
    status: entry.status,
    source,
    action,
    payload: entry.payload,
    payload_hash: entry.payload_hash,
  }));
}
