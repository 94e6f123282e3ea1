/**
 * BENCH ONLY — no-op activities with the names and shapes of the real ones, for the ceiling phase:
 * no I/O, tiny inputs and results, so a run measures only what Temporal and the worker cost.
 */
export interface CeilingActivities {
  listSweepPage(input: { cursor: number; limit: number; lastUserId: number }): Promise<{
    userIds: number[];
    nextCursor: number | null;
  }>;
  readCacheState(input: { userId: number }): Promise<{ exists: boolean; stale: boolean }>;
  lookupToken(input: { userId: number }): Promise<{ hasToken: boolean }>;
  reconcileTicketCache(input: { userId: number; changed: boolean }): Promise<{ changesKey: string | null }>;
  writeRefreshLogs(input: { userId: number; changesKey: string }): Promise<{ auditEntries: number }>;
  discardStaging(input: { keys: string[] }): Promise<void>;
}

export interface CeilingBytemarkActivities {
  fetchPasses(input: { userId: number; source: 'passes' | 'passes4' }): Promise<{ stagingKey: string | null }>;
}

export function createCeilingActivities(): CeilingActivities {
  return {
    async listSweepPage({ cursor, limit, lastUserId }) {
      const userIds: number[] = [];
      for (let id = cursor + 1; id <= lastUserId && userIds.length < limit; id++) userIds.push(id);
      const last = userIds[userIds.length - 1];
      return { userIds, nextCursor: last === undefined || last >= lastUserId ? null : last };
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

export function createCeilingBytemarkActivities(): CeilingBytemarkActivities {
  return {
    async fetchPasses() {
      return { stagingKey: null };
    },
  };
}
