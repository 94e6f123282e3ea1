import { ApplicationFailure } from '@temporalio/common';
import {
  BytemarkAuthError,
  BytemarkForbiddenError,
  BytemarkRateLimitError,
  BytemarkResponseError,
  BytemarkUnavailableError,
} from '@btc/bytemark-client';
import {
  CacheDocumentTooLargeError,
  DatabaseOperationError,
  LegacyCacheDocumentError,
  PayloadKeyError,
  StagingCorruptError,
  StagingMissingError,
  TokenDecryptionError,
  TokenKeyringError,
  TokenStorageModeError,
  TransientDatabaseError,
} from '@btc/data';
import { CacheWriteConflictError, NotificationError, NotificationUnconfirmedError } from './errors';
import type { StepError } from './refresh-steps';

/** A malformed response may be a glitch; after this many attempts it is treated as permanent. */
export const MALFORMED_RESPONSE_ATTEMPTS = 3;

/** What an error that crosses an activity boundary means to Temporal and to the operators. */
export interface FailureRule {
  /** The `ApplicationFailure.type` the workflows and the UI see: the error's class name. */
  type: string;
  /** False: retrying can never succeed (the activity fails at once). A function decides per error and attempt. */
  retryable: boolean | ((error: Error, attempt: number) => boolean);
  /** Whether a failure of this type is worth an alert (an operator must act), not only a count. */
  alert: boolean;
  /** The wait before the next attempt, when the error says how long (a 429's `Retry-After`). */
  nextRetryDelayMs?: (error: Error) => number;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** A row of the table: the failure type is the error's class name (what the UI and the workflows see). */
function rule(errorClass: ErrorClass, meaning: Omit<FailureRule, 'type'>): readonly [ErrorClass, FailureRule] {
  return [errorClass, { type: errorClass.name, ...meaning }];
}

/**
 * The one table of failures: every typed error of the libs that an activity can throw, and what it
 * means. Errors not listed keep Temporal's default (retryable, type = the error's name).
 */
export const FAILURE_MAP: ReadonlyArray<readonly [ErrorClass, FailureRule]> = [
  // The user's session or credentials: the refresh re-logs in once, then reports `failed-auth`.
  rule(BytemarkAuthError, { retryable: false, alert: false }),
  // A 403: a revoked client id or a proxy. Logging in again cannot help; it is an outage for everyone.
  rule(BytemarkForbiddenError, { retryable: false, alert: true }),
  rule(BytemarkRateLimitError, {
    retryable: true,
    alert: false,
    nextRetryDelayMs: (e) => Math.max((e as BytemarkRateLimitError).retryAfterMs, 100),
  }),
  rule(BytemarkUnavailableError, { retryable: true, alert: true }),
  // A malformed response may be a glitch; after a few attempts it is treated as permanent.
  rule(BytemarkResponseError, { retryable: (_e, attempt) => attempt < MALFORMED_RESPONSE_ATTEMPTS, alert: true }),
  rule(TokenDecryptionError, { retryable: false, alert: true }),
  rule(TokenKeyringError, { retryable: false, alert: true }),
  // No known token storage mode: no token is written (nor a re-login made) until an operator sets it.
  rule(TokenStorageModeError, { retryable: false, alert: true }),
  rule(CacheDocumentTooLargeError, { retryable: false, alert: true }),
  rule(LegacyCacheDocumentError, { retryable: false, alert: true }),
  rule(PayloadKeyError, { retryable: false, alert: true }),
  rule(StagingCorruptError, { retryable: false, alert: true }),
  rule(StagingMissingError, { retryable: false, alert: true }),
  // A lost connection, a deadlock, a lock wait: the next attempt may succeed.
  rule(TransientDatabaseError, { retryable: true, alert: false }),
  // A missing table, denied access: an operator must act; retrying meanwhile only delays the alert.
  rule(DatabaseOperationError, { retryable: false, alert: true }),
  rule(CacheWriteConflictError, { retryable: true, alert: false }),
  // A push that went out unanswered may have been delivered: never resent by the activity's retries (the
  // refresh-log queue backs off, then resends once with the same Idempotency-Key).
  rule(NotificationUnconfirmedError, { retryable: false, alert: false }),
  // A 4xx from the notification endpoint (bad request, bad credentials) will answer the same next time.
  rule(NotificationError, { retryable: (e) => !isClientError((e as NotificationError).status), alert: true }),
];

function isClientError(status: number | null): boolean {
  return status !== null && status >= 400 && status < 500;
}

/** The rule for an error, or null for an error the table does not list. */
export function failureRule(error: unknown): FailureRule | null {
  for (const [errorClass, rule] of FAILURE_MAP) if (error instanceof errorClass) return rule;
  return null;
}

/** The error as the `ApplicationFailure` its rule says (messages of typed errors carry no secret). */
export function toActivityFailure(error: unknown, attempt: number): unknown {
  const rule = failureRule(error);
  if (!rule || !(error instanceof Error)) return error;
  const retryable = typeof rule.retryable === 'function' ? rule.retryable(error, attempt) : rule.retryable;
  const step = (error as StepError).refreshStep;
  return ApplicationFailure.create({
    message: error.message,
    type: rule.type,
    nonRetryable: !retryable,
    ...(rule.nextRetryDelayMs ? { nextRetryDelay: rule.nextRetryDelayMs(error) } : {}),
    // Which step of a refresh failed (token, fetch, reconcile, logs): shown with the failure in the UI.
    details: [{ alert: rule.alert, ...(step ? { step } : {}) }],
  });
}
