import { executeChild, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { SweepActivities } from './activity-contracts';
import { PRIORITY, sweepWorkflowId } from './ids';
import { refreshAllTicketCachesWorkflow } from './refresh-all-ticket-caches.workflow';
import { DATABASE_ACTIVITY } from './retry-policies';
import type { SweepProgress } from './types';

const db = proxyActivities<SweepActivities>(DATABASE_ACTIVITY);

export interface BootstrapInput {
  /** Build caches only for token users that have none, even when the collection is not empty. */
  backfill?: boolean;
  maxInFlight?: number;
}

export type BootstrapResult =
  { built: false; reason: string; cachesBefore: number } | { built: true; cachesBefore: number; sweep: SweepProgress };

/**
 * `buildCacheIfEmpty`: when the cache collection is empty, builds every token user's cache through
 * the sweep's fan-out and the per-user workflow; otherwise does nothing and says so. With
 * `backfill`, builds only the missing caches.
 */
export async function bootstrapTicketCachesWorkflow(input: BootstrapInput = {}): Promise<BootstrapResult> {
  const { count } = await db.countTicketCaches();
  if (count > 0 && !input.backfill) {
    const reason = `the cache collection already holds ${count} documents; nothing to bootstrap (use backfill for missing users)`;
    setCurrentDetails(reason);
    return { built: false, reason, cachesBefore: count };
  }
  setCurrentDetails(count === 0 ? 'cache collection empty: building every token user' : 'backfilling missing caches');
  const sweep = await executeChild(refreshAllTicketCachesWorkflow, {
    workflowId: sweepWorkflowId(`bootstrap-${workflowInfo().runId}`),
    // `check` builds a missing cache and updates one that exists without a refresh state (written before it).
    args: [{ mode: 'check', trigger: 'bootstrap', select: 'missing', maxInFlight: input.maxInFlight }],
    priority: { priorityKey: PRIORITY.sweep },
    staticSummary: count === 0 ? 'Bootstrap: build every token user cache' : 'Backfill: build missing caches',
  });
  setCurrentDetails(`built ${sweep.refreshed.built ?? 0} caches, ${sweep.failed} failed`);
  return { built: true, cachesBefore: count, sweep };
}
