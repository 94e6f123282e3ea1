import { isAxiosError } from 'axios';
import {
  BytemarkAuthError,
  BytemarkForbiddenError,
  BytemarkRateLimitError,
  BytemarkResponseError,
  BytemarkResponseTooLargeError,
  BytemarkUnavailableError,
  type BytemarkError,
} from './errors';
import { isAllowedBytemarkMessage, redactBytemarkText } from './bytemark-text';
import { bytemarkErrorEntrySchema, countHint, envelopeSchema, passPageDataSchema } from './pass.schema';

/** Bytemark's "Unfortunately, your session has expired. Please log back in." */
export const SESSION_EXPIRED_CODE = 50020;
/** Used when a 429 carries no readable `Retry-After`. */
export const DEFAULT_RETRY_AFTER_MS = 1000;
/** Longest wait a 429 can impose, whatever `Retry-After` says (5 minutes). */
export const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;
/** Largest response body the client reads (64 MiB; a 9999-pass page is a few MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** What the handler needs besides the response: the clock, the client's `Retry-After` cap, the request's secrets. */
export interface HandlerOptions {
  now?: number;
  maxRetryAfterMs?: number;
  /** What the request carried that a message may echo (token, e-mail, password, client secret): redacted from it. */
  secrets?: readonly string[];
}

/** A response envelope after validation: `errors` empty, `data` an object. */
export interface Envelope {
  errors: unknown[];
  server_time: string | null;
  data: Record<string, unknown>;
}

/** What the transport hands the handler: status, headers and the body as text. */
export interface RawResponse {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

const MONTH = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i;
const CLOCK = /\b\d{1,2}:\d{2}:\d{2}\b/;

/**
 * `Retry-After` as milliseconds, uncapped: delta-seconds, or an HTTP date (IMF-fixdate, RFC 850 or
 * asctime, so a month name and a clock are required) as the time until it, 0 when it is past.
 * Undefined when absent or unreadable. Absurd values are clamped to Number.MAX_SAFE_INTEGER.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.round(Number(text) * 1000), Number.MAX_SAFE_INTEGER);
  if (!MONTH.test(text) || !CLOCK.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), Number.MAX_SAFE_INTEGER);
}

/** The wait a 429 imposes: the server's `Retry-After` capped at `maxRetryAfterMs`, or the default. */
export function retryAfterWait(
  header: unknown,
  opts: HandlerOptions = {},
): { retryAfterMs: number; serverRetryAfterMs?: number } {
  const cap = opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const server = parseRetryAfter(header, opts.now ?? Date.now());
  if (server === undefined) return { retryAfterMs: Math.min(DEFAULT_RETRY_AFTER_MS, cap) };
  return { retryAfterMs: Math.min(server, cap), serverRetryAfterMs: server };
}

function firstError(errors: unknown): { code?: number; message?: string } | undefined {
  if (!Array.isArray(errors) || errors[0] === undefined) return undefined;
  const parsed = bytemarkErrorEntrySchema.safeParse(errors[0]);
  if (!parsed.success) return {};
  const code = parsed.data.code === undefined ? undefined : Number(parsed.data.code);
  return {
    ...(code !== undefined && !Number.isNaN(code) ? { code } : {}),
    ...(parsed.data.message ? { message: parsed.data.message.slice(0, 200) } : {}),
  };
}

function tryParseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * `: code N message` for an error's message: Bytemark's code, and its message only when it is on the
 * allow-list (bytemark-text.ts); any other text may echo user data and stays out of the error.
 */
function describe(first: { code?: number; message?: string } | undefined): string {
  if (!first) return '';
  const shown = first.message !== undefined && isAllowedBytemarkMessage(first.message) ? first.message : '';
  const withheld = first.message !== undefined && !shown ? '(message withheld, logged redacted)' : '';
  const parts = [first.code !== undefined ? `code ${first.code}` : '', shown, withheld].filter(Boolean);
  return parts.length > 0 ? `: ${parts.join(' ')}` : '';
}

/**
 * The one response handler: maps HTTP status and Bytemark `errors[]` codes to typed errors and
 * validates the envelope. Returns the envelope only when the call succeeded. Order: session expiry
 * (50020, any status) and 401 → auth; 403 → forbidden; 429 → rate limit; 5xx → unavailable; then
 * JSON, `errors[]`, other non-2xx and the envelope schema → response. Bytemark's message enters the
 * error's message only from an allow-list; the text itself, redacted, rides on `bytemarkMessage`
 * (not enumerable) for the client's log.
 */
export function handleResponse(route: string, res: RawResponse, opts: HandlerOptions = {}): Envelope {
  const { status } = res;
  const json = tryParseJson(res.body);
  const first =
    json.ok && json.value && typeof json.value === 'object'
      ? firstError((json.value as { errors?: unknown }).errors)
      : undefined;
  const ctx = {
    route,
    status,
    ...(first?.code !== undefined ? { code: first.code } : {}),
    ...(first?.message !== undefined ? { bytemarkMessage: redactBytemarkText(first.message, opts.secrets) } : {}),
  };

  if (status === 401 || first?.code === SESSION_EXPIRED_CODE) {
    const what = first?.code === SESSION_EXPIRED_CODE ? 'session expired' : `HTTP ${status}`;
    throw new BytemarkAuthError(`Bytemark rejected the credentials on ${route} (${what})${describe(first)}`, ctx);
  }
  if (status === 403) {
    throw new BytemarkForbiddenError(
      `Bytemark refused ${route} with HTTP 403 (forbidden: client id revoked or a proxy in the way; logging in again will not help)${describe(first)}`,
      ctx,
    );
  }
  if (status === 429) {
    const wait = retryAfterWait(res.headers['retry-after'], opts);
    const asked =
      wait.serverRetryAfterMs !== undefined && wait.serverRetryAfterMs > wait.retryAfterMs
        ? ` (server asked for ${wait.serverRetryAfterMs} ms; capped)`
        : '';
    throw new BytemarkRateLimitError(`Bytemark rate limit on ${route}; retry after ${wait.retryAfterMs} ms${asked}`, {
      ...ctx,
      ...wait,
    });
  }
  if (status >= 500) {
    throw new BytemarkUnavailableError(`Bytemark answered HTTP ${status} on ${route}${describe(first)}`, ctx);
  }
  if (!json.ok) {
    throw new BytemarkResponseError(`Bytemark sent a body that is not valid JSON on ${route} (HTTP ${status})`, ctx);
  }
  if (first) {
    throw new BytemarkResponseError(`Bytemark reported an error on ${route}${describe(first)}`, ctx);
  }
  if (status < 200 || status >= 300) {
    throw new BytemarkResponseError(`Bytemark answered HTTP ${status} on ${route}`, ctx);
  }
  const envelope = envelopeSchema.safeParse(json.value);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    const field = issue ? issue.path.join('.') || '(envelope)' : '(envelope)';
    throw new BytemarkResponseError(
      `Bytemark sent an invalid envelope on ${route}: ${field}: ${issue?.message ?? ''}`,
      {
        ...ctx,
        field,
      },
    );
  }
  return {
    errors: envelope.data.errors ?? [],
    server_time: envelope.data.server_time ?? null,
    data: envelope.data.data ?? {},
  };
}

/** A list page's pass items, whether another page follows, and the list's size when the page says it. */
export interface PassPage {
  items: unknown[];
  next: boolean;
  /** `data.total_count`: passes in the whole list (all pages), when it reads as a count (a hint). */
  total?: number;
  /** `data.pagination.per_page`: the page size the API applied, when it says. */
  perPage?: number;
}

/**
 * Validates a list page's `data` (after handleResponse): the pass array is `data.passes`, else
 * `data.results` (v4). A page with neither array (renamed, missing, `data` null) is malformed and
 * throws BytemarkResponseError: reading it as an empty list would make the caller drop every pass.
 * An explicitly empty array is a legitimate empty list.
 */
export function readPassPage(route: string, data: Record<string, unknown>): PassPage {
  const parsed = passPageDataSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = `data.${issue?.path.join('.') ?? ''}`;
    throw new BytemarkResponseError(
      `Bytemark sent an invalid passes page on ${route}: ${field}: ${issue?.message ?? ''}`,
      { route, field },
    );
  }
  const items = parsed.data.passes ?? parsed.data.results;
  if (items === undefined) {
    throw new BytemarkResponseError(
      `Bytemark sent a passes page without its pass array on ${route} (neither data.passes nor data.results is an array); treating it as malformed, not as an empty list`,
      { route, field: 'data.passes' },
    );
  }
  const total = countHint(parsed.data.total_count);
  const pagination = parsed.data.pagination;
  const paging = pagination && typeof pagination === 'object' ? (pagination as Record<string, unknown>) : {};
  const perPage = countHint(paging['per_page']);
  return {
    items,
    next: Boolean(paging['next']),
    ...(total === undefined ? {} : { total }),
    ...(perPage !== undefined && perPage > 0 ? { perPage } : {}),
  };
}

/** The limits a transport failure is reported against. */
export interface TransportLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED', 'UND_ERR_HEADERS_TIMEOUT']);

function transportCode(error: unknown): unknown {
  return isAxiosError(error) ? error.code : (error as { code?: unknown } | null)?.code;
}

/** Whether a transport failure is the request's timeout (no answer in time), not a refused or broken connection. */
export function isTimeout(error: unknown): boolean {
  const code = transportCode(error);
  const name = (error as { name?: unknown } | null)?.name;
  return (typeof code === 'string' && TIMEOUT_CODES.has(code)) || name === 'CanceledError' || name === 'AbortError';
}

/**
 * Maps a transport failure (no usable response) to a typed error. Only the error code is read:
 * the axios error itself holds the request headers and is never attached or logged.
 */
export function transportError(route: string, error: unknown, limits: TransportLimits): BytemarkError {
  const { timeoutMs, maxResponseBytes } = limits;
  const code = transportCode(error);
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && /^maxContentLength size of \d+ exceeded$/.test(message)) {
    return new BytemarkResponseTooLargeError(
      `Bytemark's response to ${route} exceeded the ${formatBytes(maxResponseBytes)} limit (maxResponseBytes ${maxResponseBytes}); the transfer was aborted`,
      { route, limitBytes: maxResponseBytes },
    );
  }
  if (isTimeout(error)) {
    return new BytemarkUnavailableError(`Bytemark did not answer ${route} within ${timeoutMs} ms`, { route });
  }
  if (code === 'ERR_BAD_RESPONSE') {
    return new BytemarkUnavailableError(`Bytemark's response to ${route} was cut off`, { route });
  }
  const label = typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'network error';
  return new BytemarkUnavailableError(`Bytemark is unreachable on ${route} (${label})`, { route });
}
