import type { RequestRate, RouteCounter } from './counters';
import type { FaultSpec, LatencySpec } from './faults';
import type { SimPass } from './seed-data';
import type { SeedParams, UserAccount } from './store';

/** Thrown when an admin call does not answer 2xx. */
export class SimulatorAdminError extends Error {
  readonly type = 'simulator-admin' as const;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SimulatorAdminError';
  }
}

/** Typed HTTP wrapper over the simulator's /admin API (for tests, the local stack and benchmarks). */
export class SimulatorAdmin {
  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Drops all state, faults and counters, and seeds again (omitted fields keep their current values). */
  reset(params: Partial<SeedParams> = {}): Promise<SeedParams> {
    return this.call('POST', '/admin/reset', params);
  }

  users(): Promise<UserAccount[]> {
    return this.call('GET', '/admin/users');
  }

  user(userId: number): Promise<UserAccount> {
    return this.call('GET', `/admin/users/${userId}`);
  }

  /** All of a user's passes, whatever their status. */
  passes(userId: number): Promise<SimPass[]> {
    return this.call('GET', `/admin/users/${userId}/passes`);
  }

  /** Adds a pass (`uuid`: that uuid instead of a generated one). */
  addPass(
    userId: number,
    opts: { productUuid?: string; status?: string; uuid?: string; fields?: Record<string, unknown> } = {},
  ): Promise<SimPass> {
    return this.call('POST', `/admin/users/${userId}/passes`, opts);
  }

  modifyPass(userId: number, passUuid: string, fields: Record<string, unknown>): Promise<SimPass> {
    return this.call('PATCH', `/admin/users/${userId}/passes/${encodeURIComponent(passUuid)}`, fields);
  }

  expirePass(userId: number, passUuid: string): Promise<SimPass> {
    return this.call('POST', `/admin/users/${userId}/passes/${encodeURIComponent(passUuid)}/expire`, {});
  }

  grantFreeTickets(userId: number, count: number, productUuid?: string): Promise<SimPass[]> {
    return this.call('POST', `/admin/users/${userId}/free-tickets`, { count, ...(productUuid ? { productUuid } : {}) });
  }

  /** Grows or shrinks a user's pass list; `status` gives all added passes that status. */
  async setPassCount(userId: number, count: number, status?: string): Promise<number> {
    const res = await this.call<{ count: number }>('PUT', `/admin/users/${userId}/pass-count`, {
      count,
      ...(status ? { status } : {}),
    });
    return res.count;
  }

  async revokeToken(userId: number): Promise<void> {
    await this.call('POST', `/admin/users/${userId}/revoke-token`, {});
  }

  async expireSession(userId: number): Promise<void> {
    await this.call('POST', `/admin/users/${userId}/expire-session`, {});
  }

  counters(): Promise<Record<string, RouteCounter>> {
    return this.call('GET', '/admin/counters');
  }

  /** API requests answered per second since the counters were reset (the busiest second, and the span). */
  rate(): Promise<RequestRate> {
    return this.call('GET', '/admin/counters/rate');
  }

  async resetCounters(): Promise<void> {
    await this.call('DELETE', '/admin/counters');
  }

  /** Sets (or with null clears) faults per route, e.g. `{ 'GET /passes': { httpStatus: 503, times: 2 } }`. */
  setFaults(
    faults: Record<string, FaultSpec | null>,
  ): Promise<Record<string, FaultSpec & { remaining: number | null }>> {
    return this.call('PUT', '/admin/faults', faults);
  }

  faults(): Promise<Record<string, FaultSpec & { remaining: number | null }>> {
    return this.call('GET', '/admin/faults');
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/admin/faults');
  }

  /** Global latency on every API call and the global token-bucket rate limit (0 = off). */
  setSettings(settings: {
    latency?: LatencySpec;
    rateLimitRps?: number;
  }): Promise<{ latency: LatencySpec; rateLimitRps: number }> {
    return this.call('PUT', '/admin/settings', settings);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok)
      throw new SimulatorAdminError(
        `simulator admin ${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`,
        res.status,
      );
    return JSON.parse(text) as T;
  }
}
