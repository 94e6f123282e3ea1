export { BytemarkClient, DEFAULT_MAX_PAGES, DEFAULT_PER_PAGE, DEFAULT_TIMEOUT_MS } from './bytemark-client';
export type { BytemarkCallLimiter, BytemarkClientConfig, BytemarkLogger, ListOptions } from './bytemark-client';
export type {
  BytemarkClientObserver,
  BytemarkEndpoint,
  BytemarkFailureKind,
  BytemarkRequestObservation,
} from './client-observer';
export {
  BytemarkAuthError,
  BytemarkError,
  BytemarkForbiddenError,
  BytemarkRateLimitError,
  BytemarkResponseError,
  BytemarkResponseTooLargeError,
  BytemarkUnavailableError,
} from './errors';
export type { BytemarkErrorContext, BytemarkErrorType } from './errors';
export type { EnvelopeSummary, PageProgress, PassList, PassReject, StopReason } from './pagination';
export { passProductUuid } from './pass.schema';
export type { BytemarkPass } from './pass.schema';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRY_AFTER_MS,
  parseRetryAfter,
  SESSION_EXPIRED_CODE,
} from './response-handler';
