/**
 * BENCH ONLY — the ceiling's workflow bundle: what Temporal and the worker cost per user when the
 * activities do nothing. The default shape, `batch`, IS the service's code (`refreshAllTicketCachesWorkflow`
 * and `refreshTicketCacheBatchWorkflow`, re-exported below) run with no-op activities, so it has the
 * same shape by construction. The other shapes are the levers measured against it (bench/README.md):
 * - `child-per-user-v1`: the previous version, a child workflow per user with six activities;
 * - `child-per-user-local`: a child per user with its two database steps as local activities and one
 *   Bytemark activity;
 * - `child-per-user-one`: a child per user running the one refresh activity.
 */
import {
  ParentClosePolicy,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  startChild,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import { forEachBounded } from '@btc/workflows/for-each-bounded';
import { isChangedIndex } from './changed-users';
import type { CeilingActivities, CeilingBytemarkActivities } from './ceiling.activities';

export {
  refreshAllTicketCachesWorkflow,
  refreshTicketCacheBatchWorkflow,
  refreshTicketCacheWorkflow,
} from '@btc/workflows/workflows';

export type ChildShape = 'child-per-user-v1' | 'child-per-user-local' | 'child-per-user-one';

const RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 8,
};
const db = proxyActivities<CeilingActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: RETRY,
});
const local = proxyLocalActivities<CeilingActivities>({ startToCloseTimeout: '1 minute', retry: RETRY });

export interface CeilingSweepInput {
  shape: ChildShape;
  /** Users are `firstUserId..lastUserId`; user index i is changed when `isChangedIndex(i, changedFraction)`. */
  firstUserId: number;
  lastUserId: number;
  changedFraction: number;
  maxInFlight: number;
  pageSize: number;
  usersPerRun: number;
  /** The rate-limited queue (the bench passes `bytemarkTaskQueue(taskQueue)`). */
  bytemarkQueue: string;
  cursor?: number;
  done?: number;
}

export interface CeilingUserInput {
  shape: ChildShape;
  userId: number;
  changed: boolean;
  bytemarkQueue: string;
}

/** A sweep of child workflows per user (the shapes the batch design replaced), paged and continued as new. */
export async function ceilingChildSweepWorkflow(input: CeilingSweepInput): Promise<{ users: number }> {
  let cursor = input.cursor ?? input.firstUserId - 1;
  let done = input.done ?? 0;
  let handledThisRun = 0;
  for (;;) {
    const page = await db.listUserRange({ cursor, limit: input.pageSize, lastUserId: input.lastUserId });
    await forEachBounded(page.userIds, input.maxInFlight, async (userId) => {
      const child = await startChild(ceilingUserWorkflow, {
        workflowId: `bench-ceiling-${input.bytemarkQueue}-${userId}`,
        args: [
          {
            shape: input.shape,
            userId,
            changed: isChangedIndex(userId - input.firstUserId, input.changedFraction),
            bytemarkQueue: input.bytemarkQueue,
          },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `Ceiling no-op refresh for user ${userId}`,
      });
      await child.result();
      done += 1;
    });
    handledThisRun += page.userIds.length;
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
    if (handledThisRun >= input.usersPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof ceilingChildSweepWorkflow>({ ...input, cursor, done });
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
    retry: RETRY,
  });
  if (input.shape === 'child-per-user-one') {
    return bytemark.refreshUserTickets({ userId, mode: 'if-stale', trigger: 'bench', refreshId: String(userId) });
  }
  if (input.shape === 'child-per-user-local') {
    await local.readCacheState({ userId });
    await local.lookupToken({ userId });
    return bytemark.refreshUserTickets({ userId, mode: 'if-stale', trigger: 'bench', refreshId: String(userId) });
  }
  // child-per-user-v1
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
