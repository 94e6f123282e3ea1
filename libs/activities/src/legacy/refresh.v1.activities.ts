/**
 * LEGACY (v1): the activities of the previous version's per-user refresh (six activities, pass
 * lists staged between them), kept only so that runs started before the batch design finish (see
 * `libs/workflows/src/legacy/`). Delete with it once no such run is open.
 */
import { log } from '@temporalio/activity';
import { BytemarkAuthError, type BytemarkClient, type BytemarkPass, type PassList } from '@btc/bytemark-client';
import {
  StagingMissingError,
  type BytemarkTokensRepository,
  type RefreshLogRepository,
  type StagingRepository,
  type TicketCacheDoc,
  type TicketCacheRepository,
  type TicketLogEntry,
  type TicketLogRepository,
} from '@btc/data';
import type { LegacyBytemarkActivities, LegacyRefreshActivities, ReconcileResult } from '@btc/workflows';
import { CacheWriteConflictError } from '../commit-refresh';
import { isStale } from '../refresh-user.activity';
import { passListHash } from '../pass-list-hash';
import { toAuditEntries } from '../pending-effects';
import { reconcilePasses } from '../reconcile-passes';

export interface LegacyRefreshDeps {
  tokens: BytemarkTokensRepository;
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
  refreshLog: RefreshLogRepository;
  staging: StagingRepository;
  bytemark: BytemarkClient;
  config: { ttlSeconds: number; graceSeconds: number; freeProductUuids: readonly string[] };
}

/** First element of a staged pass list. */
interface StagedListMeta {
  kind: 'meta';
  envelopes: PassList['envelopes'];
  rejectedUuids: string[];
  listHash: string | null;
}

/** First element of staged changes: the new free passes; the rest are audit entries. */
interface StagedChangesMeta {
  kind: 'meta';
  newFree: string[];
}

function isMeta<T extends { kind: 'meta' }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'meta';
}

function stagingMissing(key: string): StagingMissingError {
  return new StagingMissingError(key);
}

export function createLegacyRefreshActivities(deps: LegacyRefreshDeps): LegacyRefreshActivities {
  const { tokens, cache, logs, refreshLog, staging, config } = deps;
  const freeProducts = new Set(config.freeProductUuids);

  const readStagedList = async (key: string | null) => {
    if (key === null) return null;
    const [meta, ...passes] = (await staging.get({ key })) ?? [];
    if (!isMeta<StagedListMeta>(meta)) throw stagingMissing(key);
    return { meta, passes: passes as BytemarkPass[] };
  };

  return {
    async readCacheState({ userId }) {
      const doc = await cache.findByUserId({ userId });
      if (!doc) return { exists: false, timestamp: null, ageSeconds: null, stale: true, sourceHashes: null };
      const now = Math.floor(Date.now() / 1000);
      return {
        exists: true,
        timestamp: doc.timestamp,
        ageSeconds: now - doc.timestamp,
        stale: isStale(doc.timestamp, now, config),
        sourceHashes: null,
      };
    },

    async lookupToken({ userId }) {
      // An existence check: nothing is decrypted (the fetch decrypts the token once).
      return { hasToken: await tokens.hasToken(userId) };
    },

    async reconcileTicketCache({ userId, refreshId, mode, passesKey, passes4Key, now }) {
      const existing = await cache.findByUserId({ userId });
      const changesKeyOf = (s: { created: number; updated: number; newFreeTickets: number }) =>
        s.created + s.updated + s.newFreeTickets > 0 ? `${refreshId}/changes` : null;
      if (existing?.refresh_id === refreshId && existing.refresh_summary) {
        return { ...existing.refresh_summary, changesKey: changesKeyOf(existing.refresh_summary) };
      }
      const [v1, v4] = await Promise.all([readStagedList(passesKey), readStagedList(passes4Key)]);
      const built = mode === 'build' || !existing;
      if (built && (v1 === null || v4 === null)) throw stagingMissing(`${refreshId}/passes`);
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
      const summary = {
        outcome: built ? ('built' as const) : changed ? ('updated' as const) : ('unchanged' as const),
        ...diff.counts,
        newFreeTickets: diff.newFree.length,
      };
      const result: ReconcileResult = { ...summary, changesKey: changesKeyOf(summary) };
      if (result.changesKey) {
        const entries = toAuditEntries({ userId, refreshId, now, changes: diff.changes });
        const meta: StagedChangesMeta = { kind: 'meta', newFree: diff.newFree };
        await staging.put({ key: result.changesKey, userId, value: [meta, ...entries] });
      }
      if (!changed && existing) {
        if (!(await cache.touch({ userId }, { timestamp: now, expectedVersion: existing.version }))) {
          throw new CacheWriteConflictError(userId, 1);
        }
        return result;
      }
      const doc: TicketCacheDoc = {
        user_id: userId,
        timestamp: now,
        passes: diff.passes,
        passes4: diff.passes4,
        passesLog: [...(existing?.passesLog ?? []), ...(v1?.meta.envelopes ?? [])],
        passes4Log: [...(existing?.passes4Log ?? []), ...(v4?.meta.envelopes ?? [])],
        version: (existing?.version ?? 0) + 1,
        refresh_id: refreshId,
        refresh_summary: summary,
        pending: null,
        announced_free: existing?.announced_free ?? [],
      };
      if (!(await cache.commit({ userId }, doc, { expectedVersion: existing ? existing.version : null }))) {
        throw new CacheWriteConflictError(userId, 1);
      }
      return result;
    },

    async writeRefreshLogs({ userId, changesKey }) {
      const [meta, ...entries] = (await staging.get({ key: changesKey })) ?? [];
      if (!isMeta<StagedChangesMeta>(meta)) throw stagingMissing(changesKey);
      const written = await logs.insertMany({ userId }, entries as Array<TicketLogEntry & { _id: string }>);
      let freeTicketRowId: number | null = null;
      if (meta.newFree.length > 0) {
        freeTicketRowId = (await refreshLog.recordFreeTickets({ userId, passUuids: meta.newFree })).id;
        log.info('New free tickets detected; queued the reward notification', { userId, passes: meta.newFree.length });
      }
      return { auditEntries: written.inserted, alreadyPresent: written.alreadyPresent, freeTicketRowId };
    },
  };
}

export function createLegacyBytemarkActivities(deps: LegacyRefreshDeps): LegacyBytemarkActivities {
  const { tokens, staging, bytemark } = deps;
  return {
    async fetchPasses({ userId, source, stagingKey, skipIfHash }) {
      const token = await tokens.findToken(userId);
      if (!token) throw new BytemarkAuthError(`user ${userId} has no Bytemark token`, { route: 'GET /passes' });
      const list =
        source === 'passes'
          ? await bytemark.listPasses(token)
          : await bytemark.listPassHistory(token, { status: 'EXPIRED' });
      const listHash = list.rejects.length === 0 ? passListHash(list.passes) : null;
      const summary = { passes: list.passes.length, pages: list.pages, rejected: list.rejects.length };
      if (listHash !== null && listHash === skipIfHash) return { stagingKey: null, ...summary };
      const meta: StagedListMeta = {
        kind: 'meta',
        envelopes: list.envelopes,
        rejectedUuids: list.rejects.flatMap((r) => (r.uuid ? [r.uuid] : [])),
        listHash,
      };
      await staging.put({ key: stagingKey, userId, value: [meta, ...list.passes] });
      return { stagingKey, ...summary };
    },

    async reloginUser({ userId }) {
      const credentials = await tokens.findCredentials(userId);
      if (!credentials) {
        throw new BytemarkAuthError(`user ${userId} has no stored Bytemark credentials`, {
          route: 'POST /users/login',
        });
      }
      const { oauthToken } = await bytemark.login(credentials.email, credentials.password);
      await tokens.updateToken(userId, oauthToken);
    },
  };
}
