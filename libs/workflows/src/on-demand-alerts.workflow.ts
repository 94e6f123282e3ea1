import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ParentClosePolicy,
  condition,
  continueAsNew,
  defineSignal,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefreshQueueActivities } from './activity-contracts';
import { addFailure, describeDigest, emptyDigest, type FailureDigest } from './failure-digest';
import { failureMessage } from './failure-message';
import { REFRESH_FAILED_SIGNAL, onDemandAlertsWorkflowId } from './ids';
import { DATABASE_ACTIVITY } from './retry-policies';

/** A refresh outside the hourly sweep failed after its retries. */
export interface RefreshFailure {
  userId: number;
  type: string;
  alert: boolean;
}

export const refreshFailedSignal = defineSignal<[RefreshFailure]>(REFRESH_FAILED_SIGNAL);

export interface OnDemandAlertsInput {
  /** Failures received before the last continue-as-new and not posted yet. */
  pending?: FailureDigest;
  /** When the window gathering `pending` closes (workflow time, ms): a continue-as-new keeps the window. */
  windowEndsAtMs?: number;
  /** How long failures are gathered into one message (default 5 minutes). */
  windowMinutes?: number;
  /** Failures received before continuing as new (default `SIGNALS_PER_RUN`). */
  signalsPerRun?: number;
}

const { notifySlack } = proxyActivities<Pick<RefreshQueueActivities, 'notifySlack'>>(DATABASE_ACTIVITY);

/** Messages posted before continuing as new (keeps the history small). */
const POSTS_PER_RUN = 20;

/**
 * Failures received before continuing as new: far under the server's limit of signals per execution
 * (`limit.maxSignalsPerExecution`, 10,000), which an outage would otherwise reach within one window;
 * the server then refuses every further signal.
 */
export const SIGNALS_PER_RUN = 1000;

/**
 * One Slack message per window (5 minutes) for the failures of refreshes outside the hourly sweep
 * (on demand, refresh-log queue), grouped by failure type with counts and a few user ids, instead of
 * one message per failure. Started by the first failure; one per task queue (`onDemandAlertsWorkflowId`).
 * It continues as new every `SIGNALS_PER_RUN` failures (and every 20 messages), carrying the failures
 * not posted yet and their window, so an outage's failures are all counted in the window they
 * arrived in. Slack being down loses that message, never a workflow.
 */
export async function onDemandAlertsWorkflow(input: OnDemandAlertsInput = {}): Promise<void> {
  const windowMinutes = input.windowMinutes ?? 5;
  const signalsPerRun = input.signalsPerRun ?? SIGNALS_PER_RUN;
  let digest = input.pending ?? emptyDigest();
  let windowEndsAtMs = input.windowEndsAtMs;
  let signals = 0;
  setHandler(refreshFailedSignal, (failure) => {
    addFailure(digest, failure);
    signals += 1;
  });
  const runIsFull = () => signals >= signalsPerRun || workflowInfo().continueAsNewSuggested;
  for (let posts = 0; posts < POSTS_PER_RUN; posts++) {
    await condition(() => digest.total > 0 || runIsFull());
    if (runIsFull()) break;
    windowEndsAtMs ??= Date.now() + windowMinutes * 60_000;
    // The window's end, unless the run is full first (then the next run waits out the rest of it).
    if (await condition(runIsFull, Math.max(1, windowEndsAtMs - Date.now()))) break;
    const text =
      `Bytemark ticket cache: ${digest.total} refreshes outside the hourly sweep failed in the last ` +
      `${windowMinutes} minutes: ${describeDigest(digest)}.`;
    digest = emptyDigest();
    windowEndsAtMs = undefined;
    await notifySlack({ text }).catch((error: unknown) =>
      log.warn('The failure digest could not be posted', { error: failureMessage(error) }),
    );
  }
  await continueAsNew<typeof onDemandAlertsWorkflow>({
    pending: digest,
    windowMinutes,
    ...(windowEndsAtMs !== undefined ? { windowEndsAtMs } : {}),
    ...(input.signalsPerRun !== undefined ? { signalsPerRun: input.signalsPerRun } : {}),
  });
}

/**
 * Hands a failure to the alerts workflow from another workflow, starting it if it is not running
 * (as an abandoned child: it outlives the workflow that started it). Never throws: a failure that
 * cannot be reported is logged, and the caller fails with its own failure, not this one.
 */
export async function reportRefreshFailure(failure: RefreshFailure): Promise<void> {
  try {
    await deliverFailure(failure);
  } catch (error) {
    log.warn('The failure could not be reported to the on-demand alerts workflow', {
      userId: failure.userId,
      type: failure.type,
      error: failureMessage(error),
    });
  }
}

async function deliverFailure(failure: RefreshFailure): Promise<void> {
  const workflowId = onDemandAlertsWorkflowId(workflowInfo().taskQueue);
  const signal = () => getExternalWorkflowHandle(workflowId).signal(refreshFailedSignal, failure);
  try {
    await signal();
    return;
  } catch {
    // Not running: start it with this failure as its first.
  }
  const pending = emptyDigest();
  addFailure(pending, failure);
  try {
    await startChild(onDemandAlertsWorkflow, {
      workflowId,
      args: [{ pending }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: 'Failures of on-demand and refresh-log-queue refreshes, posted to Slack every 5 minutes',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    await signal(); // started meanwhile by another failure
  }
}
