/** Discriminator of every error the Bytemark client throws. */
export type BytemarkErrorType = 'auth' | 'forbidden' | 'rate-limit' | 'unavailable' | 'response';

/** Context carried by every Bytemark error. Never holds a token, password, client secret or raw HTTP config. */
export interface BytemarkErrorContext {
  /** Route label such as 'GET /passes' or 'POST /passes/:uuid/uses' (no uuids, no tokens). */
  route: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Bytemark `errors[0].code`, when the response carried one. */
  code?: number;
  /** Bytemark `errors[0].message`, redacted (bytemark-text.ts), for the client's log only. */
  bytemarkMessage?: string;
}

/**
 * Base class of the client's errors. Thrown only through its subclasses; `type` tells them apart
 * without `instanceof` (for example after serialization; `name` tells a subclass from its parent).
 * Has no `cause`: the underlying axios error carries request headers (the OAuth token) and is never
 * attached.
 */
export abstract class BytemarkError extends Error {
  abstract readonly type: BytemarkErrorType;
  readonly route: string;
  readonly status?: number;
  readonly code?: number;
  /**
   * Bytemark's own message, redacted: free text that may echo user data, so it is not enumerable and
   * is never part of `message` or `toJSON` (history, failure reasons, Slack); the client logs it.
   */
  declare readonly bytemarkMessage?: string;

  protected constructor(message: string, context: BytemarkErrorContext) {
    super(message);
    this.name = new.target.name;
    this.route = context.route;
    if (context.status !== undefined) this.status = context.status;
    if (context.code !== undefined) this.code = context.code;
    if (context.bytemarkMessage !== undefined) {
      Object.defineProperty(this, 'bytemarkMessage', { value: context.bytemarkMessage, enumerable: false });
    }
  }

  /** A plain, secret-free representation (what `JSON.stringify` prints). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      type: this.type,
      message: this.message,
      route: this.route,
      status: this.status,
      code: this.code,
    };
  }
}

/**
 * Thrown when Bytemark rejects the user's session: HTTP 401, or an `errors[]` entry with code 50020
 * ("your session has expired", on any HTTP status, 403 included). Logging in again (once) may help;
 * retrying the same call will not.
 */
export class BytemarkAuthError extends BytemarkError {
  readonly type = 'auth' as const;
  constructor(message: string, context: BytemarkErrorContext) {
    super(message, context);
  }
}

/**
 * Thrown on HTTP 403 without the session-expired code: the application is refused, typically a
 * revoked or wrong client id, or a proxy / WAF in front of Bytemark. Logging in again will not help
 * and every user is affected, so callers should neither re-login nor retry, and should raise an alert.
 * Deliberately not a subclass of BytemarkAuthError, so that a re-login path never catches it.
 */
export class BytemarkForbiddenError extends BytemarkError {
  readonly type = 'forbidden' as const;
  constructor(message: string, context: BytemarkErrorContext) {
    super(message, context);
  }
}

/**
 * Thrown on HTTP 429. `retryAfterMs` is the wait to honour: `Retry-After` (delta-seconds or an HTTP
 * date) capped at the client's `maxRetryAfterMs`, or one second when the header is missing or
 * unreadable. `serverRetryAfterMs` is what the server asked for, uncapped, for logging only; it is
 * absent when the header was missing or unreadable.
 */
export class BytemarkRateLimitError extends BytemarkError {
  readonly type = 'rate-limit' as const;
  readonly retryAfterMs: number;
  readonly serverRetryAfterMs?: number;
  constructor(message: string, context: BytemarkErrorContext & { retryAfterMs: number; serverRetryAfterMs?: number }) {
    super(message, context);
    this.retryAfterMs = context.retryAfterMs;
    if (context.serverRetryAfterMs !== undefined) this.serverRetryAfterMs = context.serverRetryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs, serverRetryAfterMs: this.serverRetryAfterMs };
  }
}

/**
 * Thrown when Bytemark cannot be reached or answered with a transient failure: HTTP 5xx, a request
 * timeout, a refused or reset connection, or a body cut off mid-transfer. Safe to retry with backoff.
 */
export class BytemarkUnavailableError extends BytemarkError {
  readonly type = 'unavailable' as const;
  constructor(message: string, context: BytemarkErrorContext) {
    super(message, context);
  }
}

/**
 * Thrown when a response arrived but cannot be used: malformed JSON, an envelope that violates the
 * schema, a list page without its pass array (neither `data.passes` nor `data.results` is an array,
 * or `data` is null), a Bytemark `errors[]` failure other than session expiry, an unexpected HTTP
 * status, or a list longer than the client's page cap. `passUuid` and `field` name the offending pass
 * or field when known. The caller must keep what it has cached: the response says nothing about it.
 */
export class BytemarkResponseError extends BytemarkError {
  readonly type = 'response' as const;
  readonly passUuid?: string;
  readonly field?: string;
  constructor(message: string, context: BytemarkErrorContext & { passUuid?: string; field?: string }) {
    super(message, context);
    if (context.passUuid !== undefined) this.passUuid = context.passUuid;
    if (context.field !== undefined) this.field = context.field;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), passUuid: this.passUuid, field: this.field };
  }
}

/**
 * Thrown when a response body exceeds the client's `maxResponseBytes` (axios `maxContentLength`); the
 * transfer is aborted at the limit, so a hostile or broken server cannot exhaust memory. A subclass of
 * BytemarkResponseError (same `type`): the response is unusable and retrying it will not shrink it.
 */
export class BytemarkResponseTooLargeError extends BytemarkResponseError {
  readonly limitBytes: number;
  constructor(message: string, context: BytemarkErrorContext & { limitBytes: number }) {
    super(message, context);
    this.limitBytes = context.limitBytes;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), limitBytes: this.limitBytes };
  }
}
