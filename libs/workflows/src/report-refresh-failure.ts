import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AlertActivities } from './activity-contracts';
import { failureMessage } from './failure-message';
import { onDemandAlertsWorkflowId } from './ids';
import { ALERT_ACTIVITY } from './retry-policies';
import type { RefreshFailure } from './types';

const alerts = proxyActivities<AlertActivities>(ALERT_ACTIVITY);

/**
 * Hands a refresh's failure to the on-demand alerts workflow of this run's task queue, which an
 * activity signals-with-start (the alerts workflow is nobody's child). Never throws: a failure that
 * cannot be reported is logged, and the caller fails with its own failure, not this one.
 */
export async function reportRefreshFailure(failure: RefreshFailure): Promise<void> {
  const { taskQueue } = workflowInfo();
  try {
    await alerts.reportRefreshFailure({ failure, alertsWorkflowId: onDemandAlertsWorkflowId(taskQueue), taskQueue });
  } catch (error) {
    log.warn('The failure could not be reported to the on-demand alerts workflow', {
      userId: failure.userId,
      type: failure.type,
      error: failureMessage(error),
    });
  }
}
