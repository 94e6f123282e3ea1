/** Another refresh of the same user held the re-login lease past its expiry: retried (the lease is free by then). */
export class ReloginBusyError extends Error {
  constructor(readonly userId: number) {
    super(`user ${userId}: another refresh was logging this user in to Bytemark, and did not finish in time`);
    this.name = 'ReloginBusyError';
  }
}

/** Thrown when the cache document kept changing under a refresh (another writer, several times in a row); retryable. */
export class CacheWriteConflictError extends Error {
  constructor(
    readonly userId: number,
    readonly attempts: number,
  ) {
    super(`the cache of user ${userId} changed under this refresh ${attempts} times in a row`);
    this.name = 'CacheWriteConflictError';
  }
}

/** The push or Slack endpoint refused or failed a request; `status` is its HTTP status (null: no answer). */
export class NotificationError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'NotificationError';
  }
}

/**
 * A push whose outcome is unknown: the request went out and no answer came in time (a timeout, a
 * connection cut after sending). It may have been delivered, so it is never resent at once.
 */
export class NotificationUnconfirmedError extends NotificationError {
  constructor(message: string) {
    super(message, null);
    this.name = 'NotificationUnconfirmedError';
  }
}
