import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';

/** The innermost message of a failure (the activity's or child's error, not Temporal's wrapper). */
export function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure || error instanceof ChildWorkflowFailure) {
    return error.cause?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The failure type the activity raised (`ApplicationFailure.type`), or the error's name. */
export function failureType(error: unknown): string {
  const cause = error instanceof ActivityFailure || error instanceof ChildWorkflowFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type) return cause.type;
  return cause instanceof Error ? cause.name : 'Error';
}
