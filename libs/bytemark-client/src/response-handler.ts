import { isAxiosError } from 'axios';
import {
  BytemarkAuthError,
  BytemarkRateLimitError,
  BytemarkResponseError,
  BytemarkUnavailableError,
  type BytemarkError,
} from './errors';
import { bytemarkErrorEntrySchema, envelopeSchema } from './pass.schema';

/** Bytemark's "Unfortunately, your session has expired. Please log back in." */
export const SESSION_EXPIRED_CODE = 50020;
/** Used when a 429 carries no readable `Retry-After`. */
export const DEFAULT_RETRY_AFTER_MS = 1000;

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

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
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

function describe(first: { code?: number; message?: string } | undefined): string {
  if (!first) return '';
  const parts = [first.code !== undefined ? `code ${first.code}` : '', first.message ?? ''].filter(Boolean);
  return parts.length > 0 ? `: ${parts.join(' ')}` : '';
}

/**
 * The one response handler: maps HTTP status and Bytemark `errors[]` codes to typed errors and
 * validates the envelope. Returns the envelope only when the call succeeded.
 */
export function handleResponse(route: string, res: RawResponse, now: number = Date.now()): Envelope {
  const { status } = res;
  const json = tryParseJson(res.body);
  const first =
    json.ok && json.value && typeof json.value === 'object'
      ? firstError((json.value as { errors?: unknown }).errors)
      : undefined;
  const ctx = { route, status, ...(first?.code !== undefined ? { code: first.code } : {}) };

  if (status === 401 || status === 403 || first?.code === SESSION_EXPIRED_CODE) {
    const what = first?.code === SESSION_EXPIRED_CODE ? 'session expired' : `HTTP ${status}`;
    throw new BytemarkAuthError(`Bytemark rejected the credentials on ${route} (${what})${describe(first)}`, ctx);
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'], now) ?? DEFAULT_RETRY_AFTER_MS;
    throw new BytemarkRateLimitError(`Bytemark rate limit on ${route}; retry after ${retryAfterMs} ms`, {
      ...ctx,
      retryAfterMs,
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

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED', 'UND_ERR_HEADERS_TIMEOUT']);

/**
 * Maps a transport failure (no usable response) to a typed error. Only the error code is read:
 * the axios error itself holds the request headers and is never attached or logged.
 */
export function transportError(route: string, error: unknown, timeoutMs: number): BytemarkError {
  const code = isAxiosError(error) ? error.code : (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if ((typeof code === 'string' && TIMEOUT_CODES.has(code)) || name === 'CanceledError' || name === 'AbortError') {
    return new BytemarkUnavailableError(`Bytemark did not answer ${route} within ${timeoutMs} ms`, { route });
  }
  if (code === 'ERR_BAD_RESPONSE') {
    return new BytemarkUnavailableError(`Bytemark's response to ${route} was cut off`, { route });
  }
  const label = typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'network error';
  return new BytemarkUnavailableError(`Bytemark is unreachable on ${route} (${label})`, { route });
}
