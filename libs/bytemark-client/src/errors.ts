/** Discriminator of every error the Bytemark client throws. */
export type BytemarkErrorType = 'auth' | 'rate-limit' | 'unavailable' | 'response';

/** Context carried by every Bytemark error. Never holds a token, password, client secret or raw HTTP config. */
export interface BytemarkErrorContext {
  /** Route label such as 'GET /passes' or 'POST /passes/:uuid/uses' (no uuids, no tokens). */
  route: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Bytemark `errors[0].code`, when the response carried one. */
  code?: number;
}

/**
 * Base class of the client's errors. Thrown only through its subclasses; `type` tells them apart
 * without `instanceof` (for example after serialization). Has no `cause`: the underlying axios
 * error carries request headers (the OAuth token) and is never attached.
 */
export abstract class BytemarkError extends Error {
  abstract readonly type: BytemarkErrorType;
  readonly route: string;
  readonly status?: number;
  readonly code?: number;

  protected constructor(message: string, context: BytemarkErrorContext) {
    super(message);
    this.name = new.target.name;
    this.route = context.route;
    if (context.status !== undefined) this.status = context.status;
    if (context.code !== undefined) this.code = context.code;
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
 * Thrown when Bytemark rejects the credentials: HTTP 401 or 403, or an `errors[]` entry with code
 * 50020 ("your session has expired"). The caller should log in again (once) rather than retry.
 */
export class BytemarkAuthError extends BytemarkError {
  readonly type = 'auth' as const;
  constructor(message: string, context: BytemarkErrorContext) {
    super(message, context);
  }
}

/**
 * Thrown on HTTP 429. `retryAfterMs` comes from `Retry-After` (seconds or an HTTP date); when the
 * header is missing or unreadable it is a default of one second.
 */
export class BytemarkRateLimitError extends BytemarkError {
  readonly type = 'rate-limit' as const;
  readonly retryAfterMs: number;
  constructor(message: string, context: BytemarkErrorContext & { retryAfterMs: number }) {
    super(message, context);
    this.retryAfterMs = context.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
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
 * schema, a Bytemark `errors[]` failure other than session expiry, an unexpected HTTP status, or a
 * list longer than the client's page cap. `passUuid` and `field` name the offending pass when known.
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
