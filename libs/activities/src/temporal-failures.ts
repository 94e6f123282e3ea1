import { ApplicationFailure } from '@temporalio/common';
import {
  BytemarkAuthError,
  BytemarkRateLimitError,
  BytemarkResponseError,
  BytemarkUnavailableError,
} from '@btc/bytemark-client';
import { FAILURE_TYPES } from '@btc/workflows';

/** A malformed response may be a glitch; after this many attempts it is treated as permanent. */
export const MALFORMED_RESPONSE_ATTEMPTS = 3;

/**
 * The one place where typed Bytemark errors become Temporal retry semantics: auth is not retried,
 * a rate limit waits `Retry-After`, an outage backs off, a malformed response gets a few attempts.
 * Messages carry no token or secret (the client's errors never hold them).
 */
export function toTemporalFailure(error: unknown, attempt: number): unknown {
  if (error instanceof BytemarkAuthError) {
    return ApplicationFailure.create({ message: error.message, type: FAILURE_TYPES.auth, nonRetryable: true });
  }
  if (error instanceof BytemarkRateLimitError) {
    return ApplicationFailure.create({
      message: error.message,
      type: FAILURE_TYPES.rateLimit,
      nextRetryDelay: Math.max(error.retryAfterMs, 100),
    });
  }
  if (error instanceof BytemarkUnavailableError) {
    return ApplicationFailure.create({ message: error.message, type: FAILURE_TYPES.unavailable });
  }
  if (error instanceof BytemarkResponseError) {
    return ApplicationFailure.create({
      message: error.message,
      type: FAILURE_TYPES.response,
      nonRetryable: attempt >= MALFORMED_RESPONSE_ATTEMPTS,
    });
  }
  return error;
}
