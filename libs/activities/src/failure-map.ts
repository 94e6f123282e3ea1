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
  LegacyCacheDocumentError,
  PayloadKeyError,
  StagingCorruptError,
  TokenDecryptionError,
  TokenKeyringError,
} from '@btc/data';
import { CacheWriteConflictError } from './commit-refresh';
import { NotificationError } from './notifiers';

/** A malformed response may be a glitch; after this many attempts it is treated as permanent. */
export const MALFORMED_RESPONSE_ATTEMPTS = 3;

/** What an error that crosses an activity boundary means to Temporal and to the operators. */
export interface FailureRule {
  /** The `ApplicationFailure.type` the workflows and the UI see. */
  type: string;
  /** False: retrying can never succeed (the activity fails at once). A function decides per error and attempt. */
  retryable: boolean | ((error: Error, attempt: number) => boolean);
  /** Whether a failure of this type is worth an alert (an operator must act), not only a count. */
  alert: boolean;
  /** The wait before the next attempt, when the error says how long (a 429's `Retry-After`). */
  nextRetryDelayMs?: (error: Error) => number;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The one table of failures: every typed error of the libs that an activity can throw, and what it
 * means. Errors not listed keep Temporal's default (retryable, type = the error's name).
 */
export const FAILURE_MAP: ReadonlyArray<readonly [ErrorClass, FailureRule]> = [
  // The user's session or credentials: the refresh re-logs in once, then reports `failed-auth`.
  [BytemarkAuthError, { type: 'BytemarkAuthError', retryable: false, alert: false }],
  // A 403: a revoked client id or a proxy. Logging in again cannot help; it is an outage for everyone.
  [BytemarkForbiddenError, { type: 'BytemarkForbiddenError', retryable: false, alert: true }],
  [
    BytemarkRateLimitError,
    {
      type: 'BytemarkRateLimitError',
      retryable: true,
      alert: false,
      nextRetryDelayMs: (e) => Math.max((e as BytemarkRateLimitError).retryAfterMs, 100),
    },
  ],
  [BytemarkUnavailableError, { type: 'BytemarkUnavailableError', retryable: true, alert: true }],
  [
    BytemarkResponseError,
    { type: 'BytemarkResponseError', retryable: (_e, attempt) => attempt < MALFORMED_RESPONSE_ATTEMPTS, alert: true },
  ],
  [TokenDecryptionError, { type: 'TokenDecryptionError', retryable: false, alert: true }],
  [TokenKeyringError, { type: 'TokenKeyringError', retryable: false, alert: true }],
  [CacheDocumentTooLargeError, { type: 'CacheDocumentTooLargeError', retryable: false, alert: true }],
  [LegacyCacheDocumentError, { type: 'LegacyCacheDocumentError', retryable: false, alert: true }],
  [PayloadKeyError, { type: 'PayloadKeyError', retryable: false, alert: true }],
  [StagingCorruptError, { type: 'StagingCorruptError', retryable: false, alert: true }],
  [CacheWriteConflictError, { type: 'CacheWriteConflictError', retryable: true, alert: false }],
  [
    NotificationError,
    {
      type: 'NotificationError',
      // A 4xx from the endpoint (bad request, bad credentials) will answer the same next time.
      retryable: (e) => !isClientError((e as NotificationError).status),
      alert: true,
    },
  ],
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
  return ApplicationFailure.create({
    message: error.message,
    type: rule.type,
    nonRetryable: !retryable,
    ...(rule.nextRetryDelayMs ? { nextRetryDelay: rule.nextRetryDelayMs(error) } : {}),
    details: [{ alert: rule.alert }],
  });
}
