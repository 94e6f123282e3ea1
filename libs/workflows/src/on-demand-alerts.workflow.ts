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
  sleep,
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
  /** How long failures are gathered into one message (default 5 minutes). */
  windowMinutes?: number;
}

const { notifySlack } = proxyActivities<Pick<RefreshQueueActivities, 'notifySlack'>>(DATABASE_ACTIVITY);

/** Messages posted before continuing as new (keeps the history small). */
const POSTS_PER_RUN = 20;

/**
 * One Slack message per window (5 minutes) for the failures of refreshes outside the hourly sweep
 * (on demand, refresh-log queue), grouped by failure type with counts and a few user ids, instead of
 * one message per failure. Started by the first failure; one per task queue (`onDemandAlertsWorkflowId`).
 * Slack being down loses that message, never a workflow.
 */
export async function onDemandAlertsWorkflow(input: OnDemandAlertsInput = {}): Promise<void> {
  const windowMinutes = input.windowMinutes ?? 5;
  let digest = input.pending ?? emptyDigest();
  setHandler(refreshFailedSignal, (failure) => addFailure(digest, failure));
  for (let posts = 0; posts < POSTS_PER_RUN && !workflowInfo().continueAsNewSuggested; posts++) {
    await condition(() => digest.total > 0);
    await sleep(`${windowMinutes} minutes`);
    const text =
      `Bytemark ticket cache: ${digest.total} refreshes outside the hourly sweep failed in the last ` +
      `${windowMinutes} minutes: ${describeDigest(digest)}.`;
    digest = emptyDigest();
    await notifySlack({ text }).catch((error: unknown) =>
      log.warn('The failure digest could not be posted', { error: failureMessage(error) }),
    );
  }
  await continueAsNew<typeof onDemandAlertsWorkflow>({ pending: digest, windowMinutes });
}

/**
 * Hands a failure to the alerts workflow from another workflow, starting it if it is not running
 * (as an abandoned child: it outlives the workflow that started it).
 */
export async function reportRefreshFailure(failure: RefreshFailure): Promise<void> {
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
