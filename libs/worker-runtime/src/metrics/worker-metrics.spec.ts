import { TICKET_CACHE_METRICS } from '@btc/deploy';
import { expositionProblems } from '@btc/deploy/testing';
import type { FreshnessReport, RefreshQueueHealth, SweepRun } from '@btc/data';
import { ENDPOINTS, ERROR_TYPES, LANES, LOGIN_RESULTS, OUTCOMES, TRIGGERS } from './metric-labels';
import type { GaugeSources } from './operator-gauges';
import { createWorkerMetrics, type WorkerMetrics } from './worker-metrics';

/** A series' value, or undefined when the registry does not have it. */
async function value(metrics: WorkerMetrics, name: string, labels: Record<string, string> = {}) {
  const metric = metrics.registry.getSingleMetric(name.replace(/_(bucket|sum|count)$/, ''));
  const { values } = await metric!.get();
  const found = values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? name) === name &&
      Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
  );
  return found?.value;
}

const sweep = (p: Partial<SweepRun>): SweepRun => ({
  sweepId: 's',
  trigger: 'hourly',
  startedAt: 1000,
  endedAt: 1100,
  tokenUsers: 10,
  usersDue: 10,
  refreshed: 10,
  failed: 0,
  leftOver: 0,
  usersPerSecond: 0.1,
  rateLimitRps: 20,
  stoppedBy: 'done',
  ...p,
});

/** Repositories answering fixed readings, counting the queries (a unit test of the metrics, not of the SQL). */
function fakeSources(over: { failFreshness?: () => boolean } = {}) {
  const queries = { freshness: 0, queue: 0, sweeps: 0 };
  const freshness: FreshnessReport = {
    tokenUsers: 40,
    due: 7,
    pastTtl: 3,
    neverRefreshed: 1,
    oldestCacheAgeSeconds: 5400,
    authBackoff: 2,
  };
  const queue: RefreshQueueHealth = { pending: 5, failed: 1, oldestPendingAgeSeconds: 90 };
  const sources: GaugeSources & { rateLimitRps: () => number } = {
    states: {
      freshness: async ({ ttlSeconds }) => {
        queries.freshness++;
        if (over.failFreshness?.()) throw new Error('connect ECONNREFUSED 127.0.0.1:3306');
        expect(ttlSeconds).toBe(3600);
        return freshness;
      },
    },
    refreshLog: { queueHealth: async () => (queries.queue++, queue) },
    sweepRuns: {
      lastCompleted: async () => (queries.sweeps++, sweep({ endedAt: 1_700_000_000 })),
      latest: async () => [sweep({ stoppedBy: 'deadline', usersPerSecond: 12.5, leftOver: 300 })],
    },
    ttlSeconds: 3600,
    rateLimitRps: () => 20,
  };
  return { sources, queries };
}

describe('the worker metrics', () => {
  it('export every contract metric from the start, with only contract labels and values', async () => {
    const metrics = createWorkerMetrics();
    expect(expositionProblems(await metrics.registry.metrics())).toEqual([]);
    // Before any sweep the last success reads 0, so "no successful sweep in 2 h" fires on a fleet that never swept.
    expect(await value(metrics, 'ticket_cache_sweep_last_success_timestamp_seconds')).toBe(0);
    expect(await value(metrics, 'ticket_cache_refreshes_total', { trigger: 'hourly', outcome: 'unchanged' })).toBe(0);
    expect(await value(metrics, 'bytemark_logins_total', { result: 'failed' })).toBe(0);
  });

  it('every label value the worker can emit is one the contract allows', () => {
    const allowed = (metric: string, label: string) => TICKET_CACHE_METRICS[metric]?.labels[label];
    expect(allowed('ticket_cache_refreshes_total', 'trigger')).toEqual(expect.arrayContaining([...TRIGGERS]));
    expect(allowed('ticket_cache_refreshes_total', 'outcome')).toEqual(expect.arrayContaining([...OUTCOMES]));
    expect(allowed('bytemark_api_requests_total', 'endpoint')).toEqual(expect.arrayContaining([...ENDPOINTS]));
    expect(allowed('bytemark_api_errors_total', 'type')).toEqual(expect.arrayContaining(Object.values(ERROR_TYPES)));
    expect(allowed('bytemark_rate_limit_wait_seconds', 'lane')).toEqual(expect.arrayContaining([...LANES]));
    expect(allowed('bytemark_logins_total', 'result')).toEqual(expect.arrayContaining([...LOGIN_RESULTS]));
  });

  it('count a refresh by trigger and outcome, and time it', async () => {
    const metrics = createWorkerMetrics();
    metrics.onRefresh({ trigger: 'hourly', outcome: 'unchanged', durationMs: 120 });
    metrics.onRefresh({ trigger: 'hourly', outcome: 'unchanged', durationMs: 80 });
    metrics.onRefresh({ trigger: 'on-demand', outcome: 'failed', durationMs: 3000 });
    // A trigger of another version of the workflows cannot add a series.
    metrics.onRefresh({ trigger: 'user-4711', outcome: 'something-new', durationMs: 1 });
    expect(await value(metrics, 'ticket_cache_refreshes_total', { trigger: 'hourly', outcome: 'unchanged' })).toBe(2);
    expect(await value(metrics, 'ticket_cache_refreshes_total', { trigger: 'on-demand', outcome: 'failed' })).toBe(1);
    expect(await value(metrics, 'ticket_cache_refreshes_total', { trigger: 'manual', outcome: 'failed' })).toBe(1);
    expect(await value(metrics, 'ticket_cache_refresh_duration_seconds_sum', { trigger: 'hourly' })).toBeCloseTo(0.2);
    expect(await value(metrics, 'ticket_cache_refresh_duration_seconds_count', { trigger: 'on-demand' })).toBe(1);
    expect(expositionProblems(await metrics.registry.metrics())).toEqual([]);
  });

  it('count a failed Bytemark request in requests and in errors, a transport failure with status none', async () => {
    const metrics = createWorkerMetrics();
    metrics.bytemark.request?.({ endpoint: 'passes', status: 200, durationMs: 50 });
    metrics.bytemark.request?.({ endpoint: 'passes', status: 503, durationMs: 20, failure: 'unavailable' });
    metrics.bytemark.request?.({ endpoint: 'passes_history', status: null, durationMs: 5000, failure: 'timeout' });
    metrics.bytemark.request?.({ endpoint: 'login', status: 429, durationMs: 10, failure: 'rate-limit' });
    metrics.bytemark.login?.('succeeded');
    metrics.bytemark.login?.('failed');

    const requests = (endpoint: string, status: string) =>
      value(metrics, 'bytemark_api_requests_total', { endpoint, status });
    const errors = (endpoint: string, type: string, status: string) =>
      value(metrics, 'bytemark_api_errors_total', { endpoint, type, status });
    expect(await requests('passes', '200')).toBe(1);
    expect(await requests('passes', '503')).toBe(1);
    expect(await requests('passes_history', 'none')).toBe(1);
    expect(await errors('passes', 'unavailable', '503')).toBe(1);
    expect(await errors('passes_history', 'timeout', 'none')).toBe(1);
    expect(await errors('login', 'rate_limit', '429')).toBe(1);
    expect(await value(metrics, 'bytemark_api_request_duration_seconds_count', { endpoint: 'passes' })).toBe(2);
    expect(await value(metrics, 'bytemark_logins_total', { result: 'succeeded' })).toBe(1);
    expect(await value(metrics, 'bytemark_logins_total', { result: 'failed' })).toBe(1);
  });

  it('count paced calls and their waits by lane', async () => {
    const metrics = createWorkerMetrics();
    metrics.pace({ lane: 'rider', waitMs: 2 });
    metrics.pace({ lane: 'sweep', waitMs: 400 });
    metrics.pace({ lane: 'sweep', waitMs: 600 });
    expect(await value(metrics, 'bytemark_rate_limit_calls_total')).toBe(3);
    expect(await value(metrics, 'bytemark_rate_limit_wait_seconds_sum', { lane: 'sweep' })).toBeCloseTo(1);
    expect(await value(metrics, 'bytemark_rate_limit_wait_seconds_count', { lane: 'queue' })).toBe(0);
  });

  it('read the MySQL gauges at scrape time, at most once per interval', async () => {
    let clock = 1_000_000;
    const metrics = createWorkerMetrics({ dbReadIntervalMs: 15_000, now: () => clock });
    const { sources, queries } = fakeSources();
    metrics.readFrom(sources);
    const text = await metrics.registry.metrics();
    await metrics.registry.metrics();
    expect(queries).toEqual({ freshness: 1, queue: 1, sweeps: 1 });
    clock += 15_000;
    await metrics.registry.metrics();
    expect(queries).toEqual({ freshness: 2, queue: 2, sweeps: 2 });

    expect(expositionProblems(text)).toEqual([]);
    const gauges = Object.fromEntries(
      await Promise.all(
        [
          'ticket_cache_token_users',
          'ticket_cache_users_due',
          'ticket_cache_users_past_ttl',
          'ticket_cache_oldest_cache_age_seconds',
          'ticket_cache_auth_backoff_users',
          'ticket_cache_sweep_last_success_timestamp_seconds',
          'ticket_cache_sweep_last_users_per_second',
          'ticket_cache_sweep_last_users_left',
          'ticket_cache_refresh_queue_oldest_pending_age_seconds',
          'bytemark_rate_limit_calls_per_second',
        ].map(async (name) => [name, await value(metrics, name)]),
      ),
    );
    expect(gauges).toEqual({
      ticket_cache_token_users: 40,
      ticket_cache_users_due: 7,
      ticket_cache_users_past_ttl: 3,
      ticket_cache_oldest_cache_age_seconds: 5400,
      ticket_cache_auth_backoff_users: 2,
      ticket_cache_sweep_last_success_timestamp_seconds: 1_700_000_000,
      ticket_cache_sweep_last_users_per_second: 12.5,
      ticket_cache_sweep_last_users_left: 300,
      ticket_cache_refresh_queue_oldest_pending_age_seconds: 90,
      bytemark_rate_limit_calls_per_second: 20,
    });
    expect(await value(metrics, 'ticket_cache_refresh_queue_rows', { status: 'pending' })).toBe(5);
    expect(await value(metrics, 'ticket_cache_refresh_queue_rows', { status: 'failed' })).toBe(1);
  });

  it('a failing MySQL read counts a collector error and logs it, and the scrape still answers', async () => {
    let clock = 1_000_000;
    let down = false;
    const warnings: Array<{ obj: object; msg?: string }> = [];
    const metrics = createWorkerMetrics({
      dbReadIntervalMs: 1000,
      now: () => clock,
      logger: { warn: ((obj: object, msg?: string) => warnings.push({ obj, msg })) as never },
    });
    metrics.readFrom(fakeSources({ failFreshness: () => down }).sources);
    await metrics.registry.metrics();
    down = true;
    clock += 1000;
    const text = await metrics.registry.metrics();
    expect(expositionProblems(text)).toEqual([]);
    expect(await value(metrics, 'ticket_cache_collector_errors_total')).toBe(1);
    // The last good reading is kept; the other queries still answer.
    expect(await value(metrics, 'ticket_cache_token_users')).toBe(40);
    expect(warnings).toEqual([
      { obj: expect.objectContaining({ gauges: 'freshness' }), msg: 'reading the metrics gauges from MySQL failed' },
    ]);
  });
});
