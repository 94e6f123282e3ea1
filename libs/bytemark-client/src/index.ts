export { BytemarkClient, DEFAULT_MAX_PAGES, DEFAULT_PER_PAGE, DEFAULT_TIMEOUT_MS } from './bytemark-client';
export type { BytemarkClientConfig, BytemarkLogger, ListOptions } from './bytemark-client';
export {
  BytemarkAuthError,
  BytemarkError,
  BytemarkRateLimitError,
  BytemarkResponseError,
  BytemarkUnavailableError,
} from './errors';
export type { BytemarkErrorContext, BytemarkErrorType } from './errors';
export type { EnvelopeSummary, PageProgress, PassList, PassReject } from './pagination';
export { passProductUuid } from './pass.schema';
export type { BytemarkPass } from './pass.schema';
export { parseRetryAfter, SESSION_EXPIRED_CODE } from './response-handler';
