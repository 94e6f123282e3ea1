import axios, { type AxiosInstance, type Method } from 'axios';
import { failureKind, isLoginRefusal, type BytemarkClientObserver, type BytemarkEndpoint } from './client-observer';
import { BytemarkError, BytemarkRateLimitError, BytemarkResponseError } from './errors';
import { collectPassPages, type PageProgress, type PassList } from './pagination';
import { loginDataSchema } from './pass.schema';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_RETRY_AFTER_MS,
  handleResponse,
  isTimeout,
  transportError,
  type Envelope,
} from './response-handler';

/**
 * Structured logger the client reports to (pino-compatible; the worker passes its own). Receives no
 * tokens or secrets: routes, statuses, codes, durations and waits only. `debug`: every call;
 * `info`: logins; `warn`: every failed call (a 429 with the wait it imposes).
 */
export interface BytemarkLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface BytemarkClientConfig {
  /** Overture (customer API) base URL, e.g. https://overture.bytemark.co */
  customerApiUrl: string;
  /** Account API base URL, e.g. https://accountapi.bytemark.co */
  accountApiUrl: string;
  clientId: string;
  clientSecret?: string;
  /** Per request (connect + full body), default 15000. */
  timeoutMs?: number;
  /**
   * Page size for list calls, default 9999 (the original's single big page); `pagination.next` is
   * still followed, up to an empty page, `total_count` passes, or a page with no new uuid.
   */
  perPage?: number;
  /** Hard cap on pages per list call, default 1000; exceeding it throws BytemarkResponseError. */
  maxPages?: number;
  /**
   * Longest wait a 429 can impose, default 300000 (5 minutes): `retryAfterMs` is `Retry-After`
   * capped at this, whatever the server says (the uncapped value is kept as `serverRetryAfterMs`).
   */
  maxRetryAfterMs?: number;
  /**
   * Largest response body read, in bytes, default 67108864 (64 MiB); a larger body is aborted at the
   * limit and throws BytemarkResponseTooLargeError. Also bounds request bodies (axios maxBodyLength).
   */
  maxResponseBytes?: number;
  logger?: BytemarkLogger;
  /** Asked before every request, so that a rate limit shared by several processes holds (the worker's call window). */
  limiter?: BytemarkCallLimiter;
  /** Told every request's endpoint, status, duration and failure, and every login's result (the worker's metrics). */
  observer?: BytemarkClientObserver;
}

/** Resolves when a request may be sent. */
export interface BytemarkCallLimiter {
  acquire(): Promise<void>;
}

export interface ListOptions {
  perPage?: number;
  onPage?: PageProgress;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_PER_PAGE = 9999;
export const DEFAULT_MAX_PAGES = 1000;

const silentLogger: BytemarkLogger = { warn: () => undefined };

function checkLimit(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`BytemarkClientConfig.${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/**
 * Typed Bytemark API client. Every request has a timeout and a body-size limit, every response goes
 * through the one response handler, and every failure is a typed BytemarkError (see errors.ts).
 * The constructor throws RangeError when `maxRetryAfterMs` or `maxResponseBytes` is not a
 * non-negative (respectively positive) integer.
 */
export class BytemarkClient {
  private readonly http: AxiosInstance;
  private readonly customerApiUrl: string;
  private readonly accountApiUrl: string;
  private readonly timeoutMs: number;
  private readonly perPage: number;
  private readonly maxPages: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxResponseBytes: number;
  private readonly logger: BytemarkLogger;
  private readonly limiter: BytemarkCallLimiter | undefined;
  private readonly observer: BytemarkClientObserver;
  /** Kept off the enumerable surface so that inspecting the client never prints it. */
  readonly #credentials: { clientId: string; clientSecret?: string };

  constructor(config: BytemarkClientConfig) {
    this.customerApiUrl = config.customerApiUrl.replace(/\/+$/, '');
    this.accountApiUrl = config.accountApiUrl.replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.perPage = config.perPage ?? DEFAULT_PER_PAGE;
    this.maxPages = config.maxPages ?? DEFAULT_MAX_PAGES;
    this.maxRetryAfterMs = checkLimit('maxRetryAfterMs', config.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS, 0);
    this.maxResponseBytes = checkLimit('maxResponseBytes', config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, 1);
    this.logger = config.logger ?? silentLogger;
    this.limiter = config.limiter;
    this.observer = config.observer ?? {};
    this.#credentials = {
      clientId: config.clientId,
      ...(config.clientSecret !== undefined ? { clientSecret: config.clientSecret } : {}),
    };
    this.http = axios.create({
      timeout: this.timeoutMs,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: this.maxResponseBytes,
      maxBodyLength: this.maxResponseBytes,
      headers: { Accept: 'application/json' },
    });
  }

  /** Account API `POST /users/login`; returns the user's new OAuth token (Bytemark invalidates the old one). */
  async login(email: string, password: string): Promise<{ oauthToken: string }> {
    const route = 'POST /users/login';
    const body = {
      client_id: this.#credentials.clientId,
      ...(this.#credentials.clientSecret !== undefined ? { client_secret: this.#credentials.clientSecret } : {}),
      email,
      password,
    };
    try {
      const envelope = await this.request(route, 'POST', `${this.accountApiUrl}/users/login`, { body }, 'login');
      const data = loginDataSchema.safeParse(envelope.data);
      if (!data.success) {
        throw this.fail(
          new BytemarkResponseError(`Bytemark's login response has no oauth_token on ${route}`, {
            route,
            field: 'data.oauth_token',
          }),
        );
      }
      this.logger.info?.({ route }, 'Bytemark login succeeded');
      this.tell(() => this.observer.login?.('succeeded'));
      return { oauthToken: data.data.oauth_token };
    } catch (error) {
      if (error instanceof BytemarkError && isLoginRefusal(error)) this.tell(() => this.observer.login?.('failed'));
      throw error;
    }
  }

  /** v1 `GET /passes`: the user's current passes, all pages. */
  listPasses(token: string, opts: ListOptions = {}): Promise<PassList> {
    return this.list('passes', 'GET /passes', `${this.customerApiUrl}/passes`, token, {}, opts);
  }

  /** v4 `GET /v4.0/passes?status=EXPIRED`: the user's pass history, all pages. */
  listPassHistory(token: string, opts: ListOptions & { status: 'EXPIRED' }): Promise<PassList> {
    const url = `${this.customerApiUrl}/v4.0/passes`;
    return this.list('passes_history', 'GET /v4.0/passes', url, token, { status: opts.status }, opts);
  }

  /**
   * `POST /passes/{uuid}/uses`: activates a pass. Resolves when Bytemark answers `{ errors: [] }`. Not
   * observed: the worker never activates passes, so its metrics have no endpoint for it.
   */
  async usePass(token: string, passUuid: string): Promise<void> {
    const route = 'POST /passes/:uuid/uses';
    await this.request(route, 'POST', `${this.customerApiUrl}/passes/${encodeURIComponent(passUuid)}/uses`, {
      token,
      body: {},
    });
  }

  private async list(
    endpoint: BytemarkEndpoint,
    route: string,
    url: string,
    token: string,
    params: Record<string, string>,
    opts: ListOptions,
  ): Promise<PassList> {
    const perPage = opts.perPage ?? this.perPage;
    const list = await collectPassPages(
      route,
      (page) =>
        this.request(
          route,
          'GET',
          url,
          { token, params: { ...params, per_page: String(perPage), page: String(page) } },
          endpoint,
        ),
      { maxPages: this.maxPages, perPage, ...(opts.onPage ? { onPage: opts.onPage } : {}) },
    ).catch((error: unknown) => {
      throw error instanceof BytemarkError ? this.fail(error) : error;
    });
    if (list.pagesBeyondNext > 0) {
      this.logger.warn(
        { route, pages: list.pages, pagesBeyondNext: list.pagesBeyondNext, passes: list.passes.length },
        'Bytemark ended a full page without pagination.next while its total_count announced more passes; the following pages were read',
      );
    }
    if (list.stoppedEarly) {
      this.logger.warn(
        { route, pages: list.pages, passes: list.passes.length, stoppedEarly: list.stoppedEarly },
        `Bytemark announced a next page on ${route} that the list ended before (${list.stoppedEarly.reason} at page ${list.stoppedEarly.page}); pagination.next was not followed`,
      );
    }
    if (list.shortOfTotal) {
      this.logger.warn(
        { route, pages: list.pages, ...list.shortOfTotal },
        "Bytemark's total_count announces more passes than its pages held; the list is taken as received",
      );
    }
    if (list.rejects.length > 0) {
      this.logger.warn(
        { route, rejected: list.rejects.length, rejects: list.rejects.slice(0, 20) },
        'Bytemark returned passes that violate the schema; they are reported as rejects',
      );
    }
    return list;
  }

  private async request(
    route: string,
    method: Method,
    url: string,
    opts: { token?: string; params?: Record<string, string>; body?: unknown },
    endpoint?: BytemarkEndpoint,
  ): Promise<Envelope> {
    await this.limiter?.acquire();
    const started = Date.now();
    const observe = (status: number | null, error?: BytemarkError, timedOut = false) => {
      if (!endpoint) return;
      const durationMs = Date.now() - started;
      const failure = error ? { failure: failureKind(error, timedOut) } : {};
      this.tell(() => this.observer.request?.({ endpoint, status, durationMs, ...failure }));
    };
    let res;
    try {
      res = await this.http.request<string>({
        method,
        url,
        ...(opts.params ? { params: opts.params } : {}),
        ...(opts.body !== undefined ? { data: opts.body } : {}),
        ...(opts.token ? { headers: { Authorization: `Bearer ${opts.token}` } } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const typed = transportError(route, error, {
        timeoutMs: this.timeoutMs,
        maxResponseBytes: this.maxResponseBytes,
      });
      observe(null, typed, isTimeout(error));
      throw this.fail(typed);
    }
    this.logger.debug?.({ route, status: res.status, durationMs: Date.now() - started }, 'Bytemark call');
    try {
      const envelope = handleResponse(
        route,
        {
          status: res.status,
          headers: res.headers as Record<string, unknown>,
          body: typeof res.data === 'string' ? res.data : '',
        },
        { maxRetryAfterMs: this.maxRetryAfterMs, secrets: this.secretsOf(opts) },
      );
      observe(res.status);
      return envelope;
    } catch (error) {
      if (!(error instanceof BytemarkError)) throw error;
      observe(res.status, error);
      throw this.fail(error);
    }
  }

  /** What a request carried that Bytemark's message may echo: redacted from the logged text. */
  private secretsOf(opts: { token?: string; body?: unknown }): string[] {
    const body = opts.body && typeof opts.body === 'object' ? (opts.body as Record<string, unknown>) : {};
    const values = [opts.token, this.#credentials.clientSecret, body['email'], body['password']];
    return values.filter((v): v is string => typeof v === 'string' && v !== '');
  }

  /** Calls the observer; its failure is not the call's. */
  private tell(report: () => void): void {
    try {
      report();
    } catch {
      // An observer (metrics) must never fail a Bytemark call.
    }
  }

  /** Logs a typed failure (its secret-free fields only) and returns it for throwing. */
  private fail<E extends BytemarkError>(error: E): E {
    if (!(error as { logged?: boolean }).logged) {
      Object.defineProperty(error, 'logged', { value: true, enumerable: false });
      const wait =
        error instanceof BytemarkRateLimitError
          ? { retryAfterMs: error.retryAfterMs, serverRetryAfterMs: error.serverRetryAfterMs }
          : {};
      this.logger.warn(
        {
          route: error.route,
          type: error.type,
          status: error.status,
          code: error.code,
          ...(error.bytemarkMessage !== undefined ? { bytemarkMessage: error.bytemarkMessage } : {}),
          ...wait,
        },
        error instanceof BytemarkRateLimitError
          ? `Bytemark rate limit: the next attempt waits ${Math.round(error.retryAfterMs / 1000)} s`
          : `Bytemark call failed: ${error.message}`,
      );
    }
    return error;
  }
}
