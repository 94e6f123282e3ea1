import { TICKET_CACHE_METRICS } from '@btc/deploy';
import {
  ALERT_RULES_FILE,
  dashboardQueries,
  expositionProblems,
  startPrometheusServer,
  type PrometheusServer,
} from '@btc/deploy/testing';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import {
  freePort,
  openHarness,
  startWorkerProcess,
  uniqueTaskQueue,
  type Harness,
  type WorkerProcess,
} from '@btc/worker-runtime/testing';

const USERS = 24;
const FIRST = 310_001;
const RELOGIN = FIRST; // its token is revoked: the refresh logs in again and succeeds
const REFUSED = FIRST + 1; // its token is revoked and Bytemark refuses its login: failed-auth, backed off
const RIDER = FIRST + 2; // an on-demand refresh
const FORBIDDEN = FIRST + 3; // an on-demand refresh Bytemark answers 403: the refresh workflow fails

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: USERS, passesPerUser: 3, firstUserId: FIRST });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (what a scrape of the worker returns). */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the series of `name` whose labels include `labels`. */
function total(all: Sample[], name: string, labels: Record<string, string> = {}): number {
  return all
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe('the worker metrics, scraped from a real worker and by a real Prometheus', () => {
  jest.setTimeout(300_000);

  it('every contract series has a value during and after sweeps, and every dashboard panel query returns data', async () => {
    const taskQueue = uniqueTaskQueue('metrics');
    const [metricsPort, healthPort, sdkPort] = [await freePort(), await freePort(), await freePort()];
    let worker: WorkerProcess | undefined;
    let prometheus: PrometheusServer | undefined;
    try {
      worker = startWorkerProcess(h, taskQueue, {
        WORKER_SERVE: '1',
        WORKER_METRICS_PORT: String(metricsPort),
        WORKER_HEALTH_PORT: String(healthPort),
        WORKER_SDK_METRICS_ADDRESS: `127.0.0.1:${sdkPort}`,
        WORKER_METRICS_DB_SECONDS: '1',
        LOG_LEVEL: 'error',
      });
      await worker.ready;
      const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

      // Before any work: the whole contract is there, the last successful sweep reads 0 (the stale-sweep alert fires).
      const first = await scrape();
      expect(expositionProblems(first)).toEqual([]);
      expect(total(samples(first), 'ticket_cache_sweep_last_success_timestamp_seconds')).toBe(0);

      prometheus = await startPrometheusServer({
        targets: [`127.0.0.1:${metricsPort}`],
        ruleFiles: [ALERT_RULES_FILE],
      });

      // One refresh-log row waiting and one the queue gave up on (for users outside the population).
      const { refreshLog } = h.dependencies.deps;
      await refreshLog.insert({ userId: 999_001, activityType: 1 });
      const failedRow = await refreshLog.insert({ userId: 999_002, activityType: 2, note: 'free:abc:x' });
      await refreshLog.recordFailure({ ids: [failedRow], reason: 'push endpoint answered HTTP 400', permanent: true });

      // The hourly sweep, with re-logins (one refused), two 503s and a 429 on the way.
      await h.admin.revokeToken(RELOGIN);
      await h.admin.revokeToken(REFUSED);
      await h.admin.setFaults({
        'POST /users/login': { httpStatus: 401, userId: REFUSED },
        'GET /passes': { errorRate: 1, errorStatus: 503, times: 2 },
        'GET /v4.0/passes': { rate429: { retryAfterSeconds: 1 }, times: 1 },
      });
      const hourly = await h.client.workflow.execute(refreshAllTicketCachesWorkflow, {
        taskQueue,
        workflowId: `${taskQueue}-hourly`,
        args: [{ mode: 'if-stale', trigger: 'hourly', maxInFlight: 5 }],
      });
      expect(hourly).toMatchObject({ usersSeen: USERS });

      // Riders: one refresh that succeeds, one that Bytemark refuses (403: the refresh workflow fails).
      await h.admin.setFaults({ 'GET /passes': { httpStatus: 403, userId: FORBIDDEN } });
      await expect(requestTicketRefresh(h.client, RIDER, { taskQueue, wait: true })).resolves.toMatchObject({
        outcome: 'unchanged',
      });
      await expect(requestTicketRefresh(h.client, FORBIDDEN, { taskQueue, wait: true })).rejects.toThrow();
      await h.admin.setFaults({ 'GET /passes': null });

      // A second sweep over everyone: nothing changed at Bytemark, so these are cache hits (the refused user fails again).
      await h.client.workflow.execute(refreshAllTicketCachesWorkflow, {
        taskQueue,
        workflowId: `${taskQueue}-all`,
        args: [{ mode: 'check', trigger: 'manual', select: 'all', maxInFlight: 5 }],
      });
      await new Promise((r) => setTimeout(r, 1100)); // the MySQL gauges are read again at most every second

      const text = await scrape();
      expect(expositionProblems(text)).toEqual([]);
      const all = samples(text);
      const refreshes = (labels: Record<string, string>) => total(all, 'ticket_cache_refreshes_total', labels);
      expect(refreshes({ trigger: 'hourly', outcome: 'built' })).toBe(USERS - 1);
      expect(refreshes({ trigger: 'hourly', outcome: 'failed-auth' })).toBe(1);
      expect(refreshes({ trigger: 'hourly', outcome: 'failed' })).toBeGreaterThanOrEqual(1); // the 503 attempts
      expect(refreshes({ trigger: 'on-demand', outcome: 'unchanged' })).toBe(1);
      expect(refreshes({ trigger: 'on-demand', outcome: 'failed' })).toBe(1);
      expect(refreshes({ trigger: 'manual', outcome: 'unchanged' })).toBe(USERS - 1);
      expect(refreshes({ trigger: 'manual', outcome: 'failed-auth' })).toBe(1);
      expect(total(all, 'ticket_cache_refresh_duration_seconds_count', { trigger: 'hourly' })).toBeGreaterThan(USERS);
      expect(total(all, 'ticket_cache_refresh_duration_seconds_sum', { trigger: 'hourly' })).toBeGreaterThan(0);

      const requests = (labels: Record<string, string>) => total(all, 'bytemark_api_requests_total', labels);
      const errors = (labels: Record<string, string>) => total(all, 'bytemark_api_errors_total', labels);
      // Both lists of every user but the refused one in each sweep, and the rider's (more with the retried attempts).
      expect(requests({ endpoint: 'passes', status: '200' })).toBeGreaterThanOrEqual(2 * (USERS - 1) + 1);
      expect(requests({ endpoint: 'passes_history', status: '200' })).toBeGreaterThanOrEqual(2 * (USERS - 1) + 1);
      expect(errors({ endpoint: 'passes', type: 'unavailable', status: '503' })).toBe(2);
      expect(errors({ endpoint: 'passes', type: 'forbidden', status: '403' })).toBe(1);
      expect(errors({ endpoint: 'passes_history', type: 'rate_limit', status: '429' })).toBe(1);
      expect(errors({ endpoint: 'login', type: 'auth', status: '401' })).toBe(2);
      // Errors count among the requests too.
      expect(requests({ endpoint: 'passes', status: '503' })).toBe(2);
      expect(total(all, 'bytemark_api_request_duration_seconds_count', { endpoint: 'login' })).toBe(3);
      expect(total(all, 'bytemark_logins_total', { result: 'succeeded' })).toBe(1);
      expect(total(all, 'bytemark_logins_total', { result: 'failed' })).toBe(2);

      const calls = total(all, 'bytemark_rate_limit_calls_total');
      expect(calls).toBe(total(all, 'bytemark_api_request_duration_seconds_count'));
      expect(total(all, 'bytemark_rate_limit_calls_per_second')).toBe(1000);
      expect(total(all, 'bytemark_rate_limit_wait_seconds_count', { lane: 'sweep' })).toBeGreaterThan(4 * USERS - 10);
      expect(total(all, 'bytemark_rate_limit_wait_seconds_count', { lane: 'rider' })).toBeGreaterThanOrEqual(3);

      expect(total(all, 'ticket_cache_token_users')).toBe(USERS);
      expect(total(all, 'ticket_cache_auth_backoff_users')).toBe(1);
      // The refused user was never refreshed: past the TTL. The forbidden rider's cache is fresh from the sweeps.
      expect(total(all, 'ticket_cache_users_past_ttl')).toBe(1);
      expect(total(all, 'ticket_cache_users_due')).toBe(0);
      expect(total(all, 'ticket_cache_oldest_cache_age_seconds')).toBeLessThan(300);
      const endedAt = total(all, 'ticket_cache_sweep_last_success_timestamp_seconds');
      expect(Date.now() / 1000 - endedAt).toBeLessThan(120);
      expect(total(all, 'ticket_cache_sweep_last_users_per_second')).toBeGreaterThan(0);
      expect(total(all, 'ticket_cache_sweep_last_users_left')).toBe(0);
      expect(total(all, 'ticket_cache_refresh_queue_rows', { status: 'pending' })).toBe(1);
      expect(total(all, 'ticket_cache_refresh_queue_rows', { status: 'failed' })).toBe(1);
      expect(total(all, 'ticket_cache_refresh_queue_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(total(all, 'ticket_cache_collector_errors_total')).toBe(0);
      expect(all.some((s) => s.name === 'temporal_num_pollers')).toBe(true);

      // What Prometheus stored: every contract series, then every dashboard panel query, returns data.
      await prometheus.waitFor(
        'sum(ticket_cache_refreshes_total{trigger="manual", outcome="unchanged"})',
        (r) => (r.samples[0]?.value ?? 0) >= USERS - 1,
        30_000,
      );
      await new Promise((r) => setTimeout(r, 3000)); // a few scrapes after the last refresh, for rate() and increase()
      for (const [name, metric] of Object.entries(TICKET_CACHE_METRICS)) {
        const series = metric.type === 'histogram' ? `${name}_count` : name;
        const answer = await prometheus.query(`${series}{job="bytemark-ticket-cache-worker"}`);
        expect({ series, found: answer.samples.length > 0 }).toEqual({ series, found: true });
      }
      const empty: string[] = [];
      const queries = dashboardQueries(undefined, { rateInterval: '30s', range: '5m' });
      for (const q of queries) {
        const answer = await prometheus.query(q.expr);
        if (answer.samples.length === 0) empty.push(`${q.panel}: ${q.expr}`);
      }
      expect(empty).toEqual([]);
      expect(queries.length).toBeGreaterThan(30);

      // For the closing note: one series of each contract metric, as the worker exports it.
      const excerpt = Object.keys(TICKET_CACHE_METRICS).map((name) => {
        const own = all.filter((s) => s.name === name || s.name === `${name}_count`);
        const shown = own.find((s) => s.value > 0) ?? own[0];
        const labels = Object.entries(shown?.labels ?? {})
          .map(([k, v]) => `${k}="${v}"`)
          .join(',');
        return `${shown?.name}${labels ? `{${labels}}` : ''} ${shown?.value}`;
      });
      console.log(`GET :${metricsPort}/metrics (excerpt)\n${excerpt.join('\n')}`);
    } finally {
      await prometheus?.stop();
      await worker?.kill();
    }
  });
});
