/**
 * BENCH ONLY — no-op activities with the names and shapes of the real ones, for the ceiling phase:
 * no I/O, tiny inputs and results, so a run measures only what Temporal and the worker cost.
 */
import type { RefreshSummary, SweepActivities, UserRefreshActivities } from '@btc/workflows';
import { isChangedIndex } from './changed-users';

export interface UserRange {
  firstUserId: number;
  lastUserId: number;
  changedFraction: number;
}

export interface CeilingActivities extends SweepActivities {
  listUserRange(input: { cursor: number; limit: number; lastUserId: number }): Promise<{
    userIds: number[];
    nextCursor: number | null;
  }>;
  notifySlack(input: { text: string }): Promise<{ posted: boolean }>;
  // The previous version's activities (shape child-per-user-v1) and the local-activity shape's reads.
  readCacheState(input: { userId: number }): Promise<{ exists: boolean; stale: boolean }>;
  lookupToken(input: { userId: number }): Promise<{ hasToken: boolean }>;
  reconcileTicketCache(input: { userId: number; changed: boolean }): Promise<{ changesKey: string | null }>;
  writeRefreshLogs(input: { userId: number; changesKey: string }): Promise<{ auditEntries: number }>;
  discardStaging(input: { keys: string[] }): Promise<void>;
}

export interface CeilingBytemarkActivities extends UserRefreshActivities {
  fetchPasses(input: { userId: number; source: 'passes' | 'passes4' }): Promise<{ stagingKey: string | null }>;
}

function idsAfter(cursor: number, limit: number, lastUserId: number) {
  const userIds: number[] = [];
  for (let id = cursor + 1; id <= lastUserId && userIds.length < limit; id++) userIds.push(id);
  const last = userIds[userIds.length - 1];
  return { userIds, nextCursor: last === undefined || last >= lastUserId ? null : last };
}

export function createCeilingActivities(range: UserRange): CeilingActivities {
  return {
    async beginSweep() {
      const users = range.lastUserId - range.firstUserId + 1;
      return { tokenUsers: users, due: users, rateLimitRps: 0, paused: null };
    },
    async listSweepPage({ cursor, limit }) {
      const after = Math.max(cursor?.userId ?? 0, range.firstUserId - 1);
      const { userIds, nextCursor } = idsAfter(after, limit, range.lastUserId);
      return { userIds, nextCursor: nextCursor === null ? null : { dueAt: 0, userId: nextCursor } };
    },
    async finishSweep() {
      return { leftOver: 0, neededRateLimitRps: null };
    },
    async listUserRange({ cursor, limit, lastUserId }) {
      return idsAfter(cursor, limit, lastUserId);
    },
    async countTicketCaches() {
      return { count: 0 };
    },
    async notifySlack() {
      return { posted: false };
    },
    async readCacheState() {
      return { exists: true, stale: true };
    },
    async lookupToken() {
      return { hasToken: true };
    },
    async reconcileTicketCache({ userId, changed }) {
      return { changesKey: changed ? `ceiling/${userId}/changes` : null };
    },
    async writeRefreshLogs() {
      return { auditEntries: 1 };
    },
    async discardStaging() {},
  };
}

export function createCeilingBytemarkActivities(range: UserRange): CeilingBytemarkActivities {
  return {
    async refreshUserTickets({ userId }): Promise<RefreshSummary> {
      const changed = isChangedIndex(userId - range.firstUserId, range.changedFraction);
      const counts = { created: 0, updated: changed ? 1 : 0, removed: 0, unchanged: 5, newFreeTickets: 0 };
      return { outcome: changed ? 'updated' : 'unchanged', ...counts, cacheAgeBefore: 7200 };
    },
    async fetchPasses() {
      return { stagingKey: null };
    },
  };
}
