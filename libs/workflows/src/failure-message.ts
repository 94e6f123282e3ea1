import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';

/** The innermost cause of a failure: the activity's or child's own error, not Temporal's wrappers. */
function innermost(error: unknown): unknown {
  let current = error;
  while (
    (current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) &&
    current.cause !== undefined
  ) {
    current = current.cause;
  }
  return current;
}

/** The innermost message of a failure. */
export function failureMessage(error: unknown): string {
  const cause = innermost(error);
  return cause instanceof Error ? cause.message : String(cause);
}

/** The failure type the activity raised (`ApplicationFailure.type`, from the failure map), or the error's name. */
export function failureType(error: unknown): string {
  const cause = innermost(error);
  if (cause instanceof ApplicationFailure && cause.type) return cause.type;
  return cause instanceof Error ? cause.name : 'Error';
}

/** Whether the failure can never succeed on a retry (the failure map said non-retryable). */
export function isPermanent(error: unknown): boolean {
  const cause = innermost(error);
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}

/** Whether the failure map asked for an alert on this failure (`details[0].alert`). */
export function wantsAlert(error: unknown): boolean {
  const cause = innermost(error);
  const details =
    cause instanceof ApplicationFailure ? (cause.details?.[0] as { alert?: unknown } | undefined) : undefined;
  return details?.alert === true;
}
