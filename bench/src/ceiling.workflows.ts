/**
 * BENCH ONLY — the ceiling: a sweep and per-user workflows of the same shape as
 * `refreshAllTicketCachesWorkflow` / `refreshTicketCacheWorkflow` (paged fan-out with a bounded
 * number of children in flight and continue-as-new; per user readCacheState, lookupToken, two
 * fetches in parallel on the rate-limited queue, reconcile, and for changed users writeRefreshLogs
 * and discardStaging), whose activities do nothing. Same retry options as the real workflows.
 */
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { ParentClosePolicy, continueAsNew, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import { forEachBounded } from '@btc/workflows/for-each-bounded';
import { isChangedIndex } from './changed-users';
import type { CeilingActivities, CeilingBytemarkActivities } from './ceiling.activities';

// The names of `SEARCH_ATTRIBUTES` in @btc/workflows (its index is not imported into this bundle).
const USER_ID_KEY = defineSearchAttributeKey('BytemarkUserId', SearchAttributeType.INT);
const TRIGGER_KEY = defineSearchAttributeKey('BytemarkRefreshTrigger', SearchAttributeType.KEYWORD);

const db = proxyActivities<CeilingActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
});

export interface CeilingSweepInput {
  /** Users are `firstUserId..lastUserId`; user index i is changed when `changed(i, changedFraction)`. */
  firstUserId: number;
  lastUserId: number;
  changedFraction: number;
  maxInFlight: number;
  pageSize: number;
  usersPerRun: number;
  /** The rate-limited queue of the fetches (the bench passes `bytemarkTaskQueue(taskQueue)`). */
  bytemarkQueue: string;
  cursor?: number;
  done?: number;
}

export interface CeilingUserInput {
  userId: number;
  changed: boolean;
  bytemarkQueue: string;
}

export function ceilingUserWorkflowId(userId: number): string {
  return `bench-ceiling-${userId}`;
}

export async function ceilingSweepWorkflow(input: CeilingSweepInput): Promise<{ users: number }> {
  let cursor = input.cursor ?? input.firstUserId - 1;
  let done = input.done ?? 0;
  let handledThisRun = 0;
  for (;;) {
    const page = await db.listSweepPage({ cursor, limit: input.pageSize, lastUserId: input.lastUserId });
    await forEachBounded(page.userIds, input.maxInFlight, async (userId) => {
      const child = await startChild(ceilingUserWorkflow, {
        workflowId: ceilingUserWorkflowId(userId),
        args: [
          {
            userId,
            changed: isChangedIndex(userId - input.firstUserId, input.changedFraction),
            bytemarkQueue: input.bytemarkQueue,
          },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: USER_ID_KEY, value: userId },
          { key: TRIGGER_KEY, value: 'bench' },
        ],
        staticSummary: `Ceiling no-op refresh for user ${userId}`,
      });
      await child.result();
      done += 1;
    });
    handledThisRun += page.userIds.length;
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
    if (handledThisRun >= input.usersPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof ceilingSweepWorkflow>({ ...input, cursor, done });
    }
  }
  return { users: done };
}

export async function ceilingUserWorkflow(input: CeilingUserInput): Promise<{ outcome: string }> {
  const { userId, changed } = input;
  const bytemark = proxyActivities<CeilingBytemarkActivities>({
    taskQueue: input.bytemarkQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
  });
  await db.readCacheState({ userId });
  await db.lookupToken({ userId });
  await Promise.all([
    bytemark.fetchPasses({ userId, source: 'passes' }),
    bytemark.fetchPasses({ userId, source: 'passes4' }),
  ]);
  const { changesKey } = await db.reconcileTicketCache({ userId, changed });
  if (changesKey) {
    await db.writeRefreshLogs({ userId, changesKey });
    await db.discardStaging({ keys: [changesKey] });
  }
  return { outcome: changesKey ? 'updated' : 'unchanged' };
}
