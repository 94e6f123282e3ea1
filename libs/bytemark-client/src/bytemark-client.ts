import axios, { type AxiosInstance, type Method } from 'axios';
import { BytemarkError, BytemarkResponseError } from './errors';
import { collectPassPages, type PageProgress, type PassList } from './pagination';
import { loginDataSchema } from './pass.schema';
import { handleResponse, transportError, type Envelope } from './response-handler';

/** Structured logger the client reports to (pino-compatible). Receives no tokens or secrets. */
export interface BytemarkLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
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
  /** Page size for list calls, default 9999 (the original's single big page); `pagination.next` is still followed. */
  perPage?: number;
  /** Hard cap on pages per list call, default 1000; exceeding it throws BytemarkResponseError. */
  maxPages?: number;
  logger?: BytemarkLogger;
}

export interface ListOptions {
  perPage?: number;
  onPage?: PageProgress;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_PER_PAGE = 9999;
export const DEFAULT_MAX_PAGES = 1000;

const silentLogger: BytemarkLogger = { warn: () => undefined };

/**
 * Typed Bytemark API client. Every request has a timeout, every response goes through the one
 * response handler, and every failure is a typed BytemarkError (see errors.ts).
 */
export class BytemarkClient {
  private readonly http: AxiosInstance;
  private readonly customerApiUrl: string;
  private readonly accountApiUrl: string;
  private readonly timeoutMs: number;
  private readonly perPage: number;
  private readonly maxPages: number;
  private readonly logger: BytemarkLogger;
  /** Kept off the enumerable surface so that inspecting the client never prints it. */
  readonly #credentials: { clientId: string; clientSecret?: string };

  constructor(config: BytemarkClientConfig) {
    this.customerApiUrl = config.customerApiUrl.replace(/\/+$/, '');
    this.accountApiUrl = config.accountApiUrl.replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.perPage = config.perPage ?? DEFAULT_PER_PAGE;
    this.maxPages = config.maxPages ?? DEFAULT_MAX_PAGES;
    this.logger = config.logger ?? silentLogger;
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
    const envelope = await this.request(route, 'POST', `${this.accountApiUrl}/users/login`, { body });
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
    return { oauthToken: data.data.oauth_token };
  }

  /** v1 `GET /passes`: the user's current passes, all pages. */
  listPasses(token: string, opts: ListOptions = {}): Promise<PassList> {
    return this.list('GET /passes', `${this.customerApiUrl}/passes`, token, {}, opts);
  }

  /** v4 `GET /v4.0/passes?status=EXPIRED`: the user's pass history, all pages. */
  listPassHistory(token: string, opts: ListOptions & { status: 'EXPIRED' }): Promise<PassList> {
    return this.list('GET /v4.0/passes', `${this.customerApiUrl}/v4.0/passes`, token, { status: opts.status }, opts);
  }

  /** `POST /passes/{uuid}/uses`: activates a pass. Resolves when Bytemark answers `{ errors: [] }`. */
  async usePass(token: string, passUuid: string): Promise<void> {
    const route = 'POST /passes/:uuid/uses';
    await this.request(route, 'POST', `${this.customerApiUrl}/passes/${encodeURIComponent(passUuid)}/uses`, {
      token,
      body: {},
    });
  }

  private async list(
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
        this.request(route, 'GET', url, {
          token,
          params: { ...params, per_page: String(perPage), page: String(page) },
        }),
      { maxPages: this.maxPages, ...(opts.onPage ? { onPage: opts.onPage } : {}) },
    ).catch((error: unknown) => {
      throw error instanceof BytemarkError ? this.fail(error) : error;
    });
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
  ): Promise<Envelope> {
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
      throw this.fail(transportError(route, error, this.timeoutMs));
    }
    try {
      return handleResponse(route, {
        status: res.status,
        headers: res.headers as Record<string, unknown>,
        body: typeof res.data === 'string' ? res.data : '',
      });
    } catch (error) {
      throw error instanceof BytemarkError ? this.fail(error) : error;
    }
  }

  /** Logs a typed failure (its secret-free fields only) and returns it for throwing. */
  private fail<E extends BytemarkError>(error: E): E {
    if (!(error as { logged?: boolean }).logged) {
      Object.defineProperty(error, 'logged', { value: true, enumerable: false });
      this.logger.warn(
        { route: error.route, type: error.type, status: error.status, code: error.code },
        `Bytemark call failed: ${error.message}`,
      );
    }
    return error;
  }
}
