import {
  ApplicationFailure,
  defineQuery,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { PurgeActivities } from './activity-contracts';
import { INVALID_INPUT_FAILURE, PURGE_PROGRESS_QUERY } from './ids';
import { DATABASE_ACTIVITY } from './retry-policies';
import type { PurgeInput, PurgePass, PurgeProgress, PurgeResult } from './types';

const db = proxyActivities<PurgeActivities>(DATABASE_ACTIVITY);

export const purgeProgressQuery = defineQuery<PurgeProgress>(PURGE_PROGRESS_QUERY);

/** Longer than a refresh attempt may run (`userRefreshActivity`: 10 minutes start-to-close). */
const DEFAULT_SETTLE_SECONDS = 15 * 60;

/**
 * `purgeUserCache` (domain §6 decision 21): a deleted rider's ticket data goes and does not come back.
 * The first pass writes the tombstone (sweeps and refreshes skip the user from then on) and removes
 * the cache document, the audit entries, quarantined effects and the refresh state. A refresh that
 * was already past its own checks can still write after that: the second pass, once any such attempt
 * has ended, removes what it left. Both passes are the same idempotent activity.
 */
export async function purgeUserCacheWorkflow(input: PurgeInput): Promise<PurgeResult> {
  const { userId, settleSeconds = DEFAULT_SETTLE_SECONDS } = input;
  if (!Number.isSafeInteger(userId) || userId <= 0 || !(settleSeconds >= 0)) {
    throw ApplicationFailure.nonRetryable(
      `purge needs a positive user id and a settle time of 0 or more seconds, got ${userId} and ${settleSeconds}`,
      INVALID_INPUT_FAILURE,
    );
  }
  const { workflowId, runId } = workflowInfo();
  const purgeRef = `${workflowId}/${runId}`;
  const progress: PurgeProgress = { userId, first: null, second: null, secondPassAtMs: null };
  setHandler(purgeProgressQuery, () => progress);

  progress.first = await db.purgeUserCache({ userId, purgeRef });
  progress.secondPassAtMs = Date.now() + settleSeconds * 1000;
  setCurrentDetails(
    `user ${userId} purged (${describe(progress.first)}); second pass at ${new Date(progress.secondPassAtMs).toISOString()}`,
  );
  await sleep(settleSeconds * 1000);
  progress.second = await db.purgeUserCache({ userId, purgeRef });
  setCurrentDetails(`user ${userId} purged: ${describe(progress.first)}; second pass: ${describe(progress.second)}`);
  return { userId, first: progress.first, second: progress.second };
}

function describe(pass: PurgePass): string {
  const r = pass.removed;
  return (
    `${r.cacheDocument ? 'cache document' : 'no cache document'}, ${r.auditEntries} audit entries, ` +
    `${r.quarantined} quarantined, ${r.schedulingState ? 'refresh state' : 'no refresh state'} removed`
  );
}
