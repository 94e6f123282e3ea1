import {
  condition,
  continueAsNew,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefreshQueueActivities } from './activity-contracts';
import { addFailure, describeDigest, emptyDigest, type FailureDigest } from './failure-digest';
import { failureMessage } from './failure-message';
import { REFRESH_FAILED_SIGNAL } from './ids';
import { DATABASE_ACTIVITY } from './retry-policies';
import type { RefreshFailure } from './types';

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
 * one message per failure. One per task queue (`onDemandAlertsWorkflowId`), started by the first
 * failure's signal-with-start (`reportRefreshFailure`), so no refresh is its parent.
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
