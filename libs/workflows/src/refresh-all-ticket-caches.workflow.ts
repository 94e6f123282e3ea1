import {
  ApplicationFailure,
  ParentClosePolicy,
  continueAsNew,
  defineQuery,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefreshQueueActivities, SweepActivities } from './activity-contracts';
import { addFailure, describeDigest, emptyDigest, mergeDigest } from './failure-digest';
import { emptySweepProgress } from './sweep-progress';
import { failureMessage, failureType } from './failure-message';
import { SWEEP_PROGRESS_QUERY, batchWorkflowId } from './ids';
import { refreshTicketCacheBatchWorkflow } from './refresh-ticket-cache-batch.workflow';
import { DATABASE_ACTIVITY } from './retry-policies';
import { TRIGGER_KEY, USER_IDS_KEY } from './search-attributes';
import type { BatchInput, BatchResult, SweepInput, SweepPage, SweepProgress } from './types';

export const sweepProgressQuery = defineQuery<SweepProgress>(SWEEP_PROGRESS_QUERY);

const db = proxyActivities<SweepActivities & Pick<RefreshQueueActivities, 'notifySlack'>>(DATABASE_ACTIVITY);

/** Failed user ids kept in the progress (and so in history) at most. */
const MAX_FAILED_IDS = 100;

/** `failed-auth` outcomes that make an alert: at least this many, and at least this share of the users refreshed. */
const FAILED_AUTH_ALERT = { count: 5, share: 0.02 };

/**
 * The hourly sweep: pages through token users by id cursor with the freshness filter in the same
 * query (fresh users cost nothing here), hands each page of stale users to a batch workflow
 * (`refreshTicketCacheBatchWorkflow`, one activity per user) with `batchesInFlight` batches at once,
 * and continues as new every `usersPerRun` users so its history stays bounded. A user's failure
 * never fails the sweep; at the end, one alert lists how many failed.
 */
export async function refreshAllTicketCachesWorkflow(input: SweepInput = {}): Promise<SweepProgress> {
  const {
    mode = 'if-stale',
    trigger = 'hourly',
    select = 'stale',
    maxInFlight = 25,
    batchSize = 200,
    batchesInFlight = 2,
    usersPerRun = 2000,
    alertOnFailures = 5,
    startBatchesForMinutes = 45,
  } = input;
  if (!(maxInFlight > 0 && batchSize > 0 && batchesInFlight > 0 && usersPerRun > 0)) {
    throw ApplicationFailure.nonRetryable(
      'maxInFlight, batchSize, batchesInFlight and usersPerRun must be positive',
      'InvalidSweepInput',
    );
  }
  const { workflowId, firstExecutionRunId } = workflowInfo();
  const progress: SweepProgress = input.progress ?? emptySweepProgress(Date.now());
  const deadlineMs = progress.startedAtMs + startBatchesForMinutes * 60_000;
  setHandler(sweepProgressQuery, () => progress);
  const report = () =>
    setCurrentDetails(
      `seen ${progress.usersSeen}, skipped fresh ${progress.skippedFresh}, refreshed ${JSON.stringify(progress.refreshed)}, ` +
        `failed ${progress.failed}, in flight ${progress.inFlight} in ${progress.batches} batches so far, run ${progress.runs}`,
    );

  const running = new Set<Promise<void>>();
  const runBatch = async (userIds: number[]): Promise<void> => {
    const args: BatchInput = { userIds, mode, trigger, maxInFlight };
    progress.inFlight += userIds.length;
    progress.batches += 1;
    report();
    try {
      const child = await startChild(refreshTicketCacheBatchWorkflow, {
        workflowId: batchWorkflowId({
          sweepWorkflowId: workflowId,
          sweepFirstRunId: firstExecutionRunId,
          firstUserId: userIds[0]!,
        }),
        args: [args],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        typedSearchAttributes: [
          { key: USER_IDS_KEY, value: userIds.map(String) },
          { key: TRIGGER_KEY, value: trigger },
        ],
        staticSummary: `Refresh ${userIds.length} users, ${userIds[0]}…${userIds[userIds.length - 1]} (${trigger})`,
      });
      count(progress, userIds, await child.result());
    } catch (error) {
      // The batch itself failed (it never fails for a user's sake): count its users as failed.
      log.error('A batch failed; its users count as failed', { error: failureMessage(error), users: userIds.length });
      const failures = emptyDigest();
      addFailure(failures, { userId: userIds[0]!, type: failureType(error), alert: true }, userIds.length);
      count(progress, userIds, { users: userIds.length, outcomes: {}, failed: userIds.length, failures });
    }
    progress.inFlight -= userIds.length;
    report();
  };

  let cursor: number | null = input.cursor ?? 0;
  let handedThisRun = 0;
  while (cursor !== null) {
    if (Date.now() >= deadlineMs) {
      log.warn('The sweep ran out of time to start batches; the users left are still stale for the next sweep', {
        cursor,
      });
      progress.stoppedAtCursor = cursor;
      break;
    }
    const page: SweepPage = await db.listSweepPage({ cursor, limit: batchSize, select });
    progress.usersSeen += page.seen;
    progress.skippedFresh += page.skippedFresh;
    report();
    if (page.userIds.length > 0) {
      if (running.size >= batchesInFlight) await Promise.race(running);
      const batch: Promise<void> = runBatch(page.userIds).finally(() => running.delete(batch));
      running.add(batch);
    }
    handedThisRun += page.userIds.length;
    cursor = page.nextCursor;
    if (cursor !== null && (handedThisRun >= usersPerRun || workflowInfo().continueAsNewSuggested)) {
      await Promise.all(running);
      progress.runs += 1;
      await continueAsNew<typeof refreshAllTicketCachesWorkflow>({ ...input, cursor, progress });
    }
  }
  await Promise.all(running);
  report();
  const text = sweepAlert(progress, { trigger, alertOnFailures, workflowId });
  if (text) {
    await db
      .notifySlack({ text })
      .catch((error: unknown) => log.warn('The sweep alert could not be posted', { error: failureMessage(error) }));
  }
  return progress;
}

function count(progress: SweepProgress, userIds: number[], result: BatchResult): void {
  for (const [outcome, n] of Object.entries(result.outcomes) as Array<[keyof SweepProgress['refreshed'], number]>) {
    progress.refreshed[outcome] = (progress.refreshed[outcome] ?? 0) + n;
  }
  progress.failed += result.failed;
  mergeDigest(progress.failures, result.failures);
  const failedIds = Object.values(result.failures.byType).flatMap((f) => f.userIds);
  for (const userId of failedIds)
    if (progress.failedUserIds.length < MAX_FAILED_IDS) progress.failedUserIds.push(userId);
}

/**
 * The sweep's one alert, or null: failures of a type the failure map alerts on (a key that cannot
 * decrypt, a 403 from Bytemark, ...), `alertOnFailures` failures or more, or a spike of `failed-auth`
 * outcomes; grouped by type with counts and a few user ids.
 */
function sweepAlert(
  p: SweepProgress,
  o: { trigger: string; alertOnFailures: number; workflowId: string },
): string | null {
  const refreshed = Object.values(p.refreshed).reduce((a, b) => a + (b ?? 0), 0);
  const failedAuth = p.refreshed['failed-auth'] ?? 0;
  const authSpike = failedAuth >= Math.max(FAILED_AUTH_ALERT.count, FAILED_AUTH_ALERT.share * refreshed);
  const alerting = Object.values(p.failures.byType).some((f) => f.alert);
  if (!alerting && p.failed < o.alertOnFailures && !authSpike) return null;
  const lines = [`Bytemark ticket cache sweep (${o.trigger}), workflow ${o.workflowId}: ${p.usersSeen} users seen.`];
  if (p.failed > 0) lines.push(`${p.failed} failed after their retries: ${describeDigest(p.failures)}.`);
  if (authSpike)
    lines.push(`${failedAuth} of ${refreshed} refreshes ended failed-auth (Bytemark refused the users' credentials).`);
  if (p.stoppedAtCursor !== null) lines.push(`Out of time: stopped starting batches after user ${p.stoppedAtCursor}.`);
  return lines.join(' ');
}
