import { getClient } from '@temporalio/activity';
import type { AlertActivities } from '@btc/workflows';
import { onDemandAlertsWorkflow, refreshFailedSignal } from '@btc/workflows/workflows';

/**
 * The on-demand alerts workflow, reached through the worker's own client: signal-with-start, so
 * the first failure starts it, every later one joins the running one, and no refresh is its parent.
 */
export function createAlertActivities(): AlertActivities {
  return {
    async reportRefreshFailure({ failure, alertsWorkflowId, taskQueue }) {
      await getClient().workflow.signalWithStart(onDemandAlertsWorkflow, {
        workflowId: alertsWorkflowId,
        taskQueue,
        args: [{}],
        signal: refreshFailedSignal,
        signalArgs: [failure],
        staticSummary: 'Failures of on-demand and refresh-log-queue refreshes, posted to Slack every 5 minutes',
      });
    },
  };
}
