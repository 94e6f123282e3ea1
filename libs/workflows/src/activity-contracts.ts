import type {
  CacheState,
  FetchPassesInput,
  FetchPassesResult,
  ReconcileInput,
  ReconcileResult,
  WriteRefreshLogsInput,
  WriteRefreshLogsResult,
} from './types';

/**
 * The activities the workflows call, declared here so that workflow code depends on contracts
 * only; `@btc/activities` implements them. Method names are durable activity type names.
 */
export interface TicketCacheActivities {
  readCacheState(input: { userId: number }): Promise<CacheState>;
  lookupToken(input: { userId: number }): Promise<{ hasToken: boolean }>;
  reconcileTicketCache(input: ReconcileInput): Promise<ReconcileResult>;
  writeRefreshLogs(input: WriteRefreshLogsInput): Promise<WriteRefreshLogsResult>;
  discardStaging(input: { keys: string[] }): Promise<void>;
}

/** Activities that call the Bytemark API; they run on `bytemarkTaskQueue(...)`, the rate-limited queue. */
export interface BytemarkActivities {
  fetchPasses(input: FetchPassesInput): Promise<FetchPassesResult>;
  reloginUser(input: { userId: number }): Promise<void>;
}

/** Failure types the activities raise and the workflows branch on. */
export const FAILURE_TYPES = {
  auth: 'BytemarkAuthError',
  rateLimit: 'BytemarkRateLimitError',
  unavailable: 'BytemarkUnavailableError',
  response: 'BytemarkResponseError',
} as const;
