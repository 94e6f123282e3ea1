/**
 * BASELINE — a faithful port of the original `update-bytemark-tickets-cache-hourly` job, for the
 * benchmark only. Like the original it walks every token user one at a time: TTL check, token
 * lookup, v1 fetch, v4 fetch, hash diff, save the whole document, audit entries, free-ticket row.
 * It uses the same Bytemark client, repositories and reconcile as the Temporal version, so the
 * comparison measures the orchestration, not different code.
 */
import { reconcilePasses, toAuditEntries } from '@btc/activities';
import type { BytemarkClient } from '@btc/bytemark-client';
import {
  type BytemarkTokensRepository,
  type RefreshLogRepository,
  type TicketCacheRepository,
  type TicketLogRepository,
} from '@btc/data';

export interface BaselineDeps {
  tokens: BytemarkTokensRepository;
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
  refreshLog: RefreshLogRepository;
  bytemark: BytemarkClient;
  freeProductUuids: readonly string[];
  /** The original's `TIMEOUT = 60*60`. */
  ttlSeconds: number;
}

export interface BaselineResult {
  users: number;
  refreshed: number;
  failed: number;
  perUserMs: number[];
  durationMs: number;
}

export async function runBaselineHourlyJob(deps: BaselineDeps): Promise<BaselineResult> {
  const started = performance.now();
  const userIds: number[] = [];
  for (let cursor = 0; ;) {
    const page = await deps.tokens.listTokenUserIds({ afterUserId: cursor, limit: 1000 });
    userIds.push(...page);
    if (page.length < 1000) break;
    cursor = page[page.length - 1]!;
  }
  const result: BaselineResult = { users: userIds.length, refreshed: 0, failed: 0, perUserMs: [], durationMs: 0 };
  const free = new Set(deps.freeProductUuids);
  for (const userId of userIds) {
    const t0 = performance.now();
    try {
      // checkTicketCacheTimeout
      const now = Math.floor(Date.now() / 1000);
      const cached = await deps.cache.findByUserId({ userId });
      if (cached && cached.timestamp >= now - deps.ttlSeconds) continue;
      // updateTicketCache / buildTicketCache
      const token = await deps.tokens.findToken(userId);
      if (!token) continue;
      const v1 = await deps.bytemark.listPasses(token);
      const v4 = await deps.bytemark.listPassHistory(token, { status: 'EXPIRED' });
      const diff = reconcilePasses({
        mode: cached ? 'update' : 'build',
        cached,
        v1: v1.passes,
        v4: v4.passes,
        rejectedUuids: new Set(),
        now,
        freeProductUuids: free,
      });
      const runId = `baseline/${userId}/${now}`;
      // The original saves the whole document every time; the version is only this repository's way of writing.
      await deps.cache.commit(
        { userId },
        {
          user_id: userId,
          timestamp: now,
          passes: diff.passes,
          passes4: diff.passes4,
          passesLog: [...(cached?.passesLog ?? []), ...v1.envelopes],
          passes4Log: [...(cached?.passes4Log ?? []), ...v4.envelopes],
          version: (cached?.version ?? 0) + 1,
          refresh_id: runId,
          refresh_summary: null,
          pending: null,
          announced_free: cached?.announced_free ?? [],
        },
        { expectedVersion: cached ? cached.version : null },
      );
      await deps.logs.insertMany({ userId }, toAuditEntries({ userId, refreshId: runId, now, changes: diff.changes }));
      if (diff.newFree.length > 0) await deps.refreshLog.recordFreeTickets({ userId, passUuids: diff.newFree });
      result.refreshed += 1;
    } catch {
      result.failed += 1; // the original logs a warning and goes on
    } finally {
      result.perUserMs.push(performance.now() - t0);
    }
  }
  result.durationMs = performance.now() - started;
  return result;
}
