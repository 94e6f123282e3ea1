import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BytemarkClientObserver } from '@btc/bytemark-client';
import type { Logger } from '@btc/config';
import type { PaceObserver } from '@btc/data';
import { cachedReading } from './cached-reading';
import {
  ENDPOINTS,
  ERROR_TYPES,
  LANES,
  LOGIN_RESULTS,
  OUTCOMES,
  TRIGGERS,
  USUAL_ERROR_STATUS,
  outcomeLabel,
  statusLabel,
  triggerLabel,
} from './metric-labels';
import {
  readFreshness,
  readQueue,
  readSweeps,
  type FreshnessGauges,
  type GaugeSources,
  type QueueGauges,
  type SweepGauges,
} from './operator-gauges';

/** How often the gauges read from MySQL are read again at most (WORKER_METRICS_DB_SECONDS). */
export const DEFAULT_DB_READ_INTERVAL_MS = 15_000;

const REFRESH_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const REQUEST_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What a refresh tells the metrics (the activities' `onRefresh`). */
export interface RefreshObservation {
  trigger: string;
  outcome: string;
  durationMs: number;
}

export interface WorkerMetricsOptions {
  /** Default 15 s. */
  dbReadIntervalMs?: number;
  /** Where a failed MySQL read of the gauges is logged (with the query's error). */
  logger?: Pick<Logger, 'warn'>;
  /** Unix ms (tests). */
  now?: () => number;
}

/**
 * The worker's own metrics (deploy/src/metrics-contract.ts), in one registry that `/metrics` serves
 * beside the Temporal SDK's series, and the observers that feed them: the Bytemark client's, the
 * call pacer's, the refresh activity's. The freshness, queue and sweep gauges are read from MySQL at
 * scrape time (`readFrom`), at most once per `dbReadIntervalMs`.
 */
export interface WorkerMetrics {
  readonly registry: Registry;
  readonly bytemark: BytemarkClientObserver;
  readonly pace: PaceObserver;
  readonly onRefresh: (observation: RefreshObservation) => void;
  /** The gauges read from MySQL, and the limit in force (the pacer's); until this is called they read 0. */
  readFrom(sources: GaugeSources & { rateLimitRps: () => number }): void;
}

export function createWorkerMetrics(options: WorkerMetricsOptions = {}): WorkerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const now = options.now ?? Date.now;

  const refreshes = new Counter({
    name: 'ticket_cache_refreshes_total',
    help: 'Per-user refreshes by what started them and how they ended (hit ratio: unchanged / (unchanged + updated + built)).',
    labelNames: ['trigger', 'outcome'] as const,
    registers,
  });
  const refreshDuration = new Histogram({
    name: 'ticket_cache_refresh_duration_seconds',
    help: 'Duration of one per-user refresh.',
    labelNames: ['trigger'] as const,
    buckets: REFRESH_BUCKETS,
    registers,
  });
  const requestDuration = new Histogram({
    name: 'bytemark_api_request_duration_seconds',
    help: 'Duration of one Bytemark API request.',
    labelNames: ['endpoint'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const requests = new Counter({
    name: 'bytemark_api_requests_total',
    help: 'Bytemark API requests by endpoint and HTTP status (none: transport error).',
    labelNames: ['endpoint', 'status'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'bytemark_api_errors_total',
    help: 'Failed Bytemark API requests by endpoint, error type and status.',
    labelNames: ['endpoint', 'type', 'status'] as const,
    registers,
  });
  const logins = new Counter({
    name: 'bytemark_logins_total',
    help: 'Re-logins after an expired token.',
    labelNames: ['result'] as const,
    registers,
  });
  const paceCalls = new Counter({
    name: 'bytemark_rate_limit_calls_total',
    help: 'Calls through the shared pacer.',
    registers,
  });
  const paceWait = new Histogram({
    name: 'bytemark_rate_limit_wait_seconds',
    help: 'Time a call waited for its slot, by lane.',
    labelNames: ['lane'] as const,
    buckets: WAIT_BUCKETS,
    registers,
  });
  const collectorErrors = new Counter({
    name: 'ticket_cache_collector_errors_total',
    help: 'Reads of a gauge from MySQL that failed.',
    registers,
  });

  // Every known label value starts at 0: rates and ratios read 0, not "no data", before the first event.
  for (const trigger of TRIGGERS) {
    refreshDuration.zero({ trigger });
    for (const outcome of OUTCOMES) refreshes.inc({ trigger, outcome }, 0);
  }
  for (const endpoint of ENDPOINTS) {
    requestDuration.zero({ endpoint });
    requests.inc({ endpoint, status: '200' }, 0);
    for (const [kind, type] of Object.entries(ERROR_TYPES)) {
      errors.inc({ endpoint, type, status: USUAL_ERROR_STATUS[kind as keyof typeof ERROR_TYPES] }, 0);
    }
  }
  for (const result of LOGIN_RESULTS) logins.inc({ result }, 0);
  for (const lane of LANES) paceWait.zero({ lane });

  // The MySQL gauges: one cached reading per query, shared by the gauges it feeds (0 until `readFrom`).
  let rateLimitRps = () => 0;
  const readings: {
    freshness?: () => Promise<FreshnessGauges | undefined>;
    queue?: () => Promise<QueueGauges | undefined>;
    sweeps?: () => Promise<SweepGauges | undefined>;
  } = {};
  const reading = <T>(what: string, read: () => Promise<T>) =>
    cachedReading(read, {
      maxAgeMs: options.dbReadIntervalMs ?? DEFAULT_DB_READ_INTERVAL_MS,
      now,
      onError(error) {
        collectorErrors.inc();
        options.logger?.warn({ err: error, gauges: what }, 'reading the metrics gauges from MySQL failed');
      },
    });
  type Readings = { freshness: FreshnessGauges; queue: QueueGauges; sweeps: SweepGauges };
  const gauge = <K extends keyof Readings>(name: string, help: string, from: K, pick: (r: Readings[K]) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const r = (await readings[from]?.()) as Readings[K] | undefined;
        this.set(r ? pick(r) : 0);
      },
    });

  gauge('ticket_cache_token_users', 'Users with a Bytemark token.', 'freshness', (f) => f.tokenUsers);
  gauge('ticket_cache_users_due', 'Token users whose cache is due for a refresh.', 'freshness', (f) => f.due);
  gauge('ticket_cache_users_past_ttl', 'Token users whose cache is older than the TTL.', 'freshness', (f) => f.pastTtl);
  gauge(
    'ticket_cache_oldest_cache_age_seconds',
    'Age of the oldest token user cache.',
    'freshness',
    (f) => f.oldestCacheAgeSeconds,
  );
  gauge('ticket_cache_auth_backoff_users', 'Users backed off after failed auth.', 'freshness', (f) => f.authBackoff);
  gauge(
    'ticket_cache_sweep_last_success_timestamp_seconds',
    'Unix time the last successful sweep ended.',
    'sweeps',
    (w) => w.lastSuccessSeconds,
  );
  gauge(
    'ticket_cache_sweep_last_users_per_second',
    'Users per second of the last sweep.',
    'sweeps',
    (w) => w.lastUsersPerSecond,
  );
  gauge('ticket_cache_sweep_last_users_left', 'Users the last sweep did not reach.', 'sweeps', (w) => w.lastUsersLeft);
  new Gauge({
    name: 'ticket_cache_refresh_queue_rows',
    help: 'Refresh-log queue rows by status.',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const q = await readings.queue?.();
      this.set({ status: 'pending' }, q?.pending ?? 0);
      this.set({ status: 'failed' }, q?.failed ?? 0);
    },
  });
  gauge(
    'ticket_cache_refresh_queue_oldest_pending_age_seconds',
    'Age of the oldest pending refresh-log row.',
    'queue',
    (q) => q.oldestPendingAgeSeconds,
  );
  new Gauge({
    name: 'bytemark_rate_limit_calls_per_second',
    help: "The global limit in force: an operator's (cli bytemark rate-limit) or BYTEMARK_RATE_LIMIT_RPS.",
    registers,
    collect() {
      this.set(rateLimitRps());
    },
  });

  return {
    registry,
    bytemark: {
      request({ endpoint, status, durationMs, failure }) {
        const code = statusLabel(status);
        requestDuration.observe({ endpoint }, durationMs / 1000);
        requests.inc({ endpoint, status: code });
        if (failure) errors.inc({ endpoint, type: ERROR_TYPES[failure], status: code });
      },
      login(result) {
        logins.inc({ result });
      },
    },
    pace({ lane, waitMs }) {
      paceCalls.inc();
      paceWait.observe({ lane }, Math.max(0, waitMs) / 1000);
    },
    onRefresh({ trigger, outcome, durationMs }) {
      const t = triggerLabel(trigger);
      refreshes.inc({ trigger: t, outcome: outcomeLabel(outcome) });
      refreshDuration.observe({ trigger: t }, durationMs / 1000);
    },
    readFrom(sources) {
      rateLimitRps = sources.rateLimitRps;
      readings.freshness = reading('freshness', () => readFreshness(sources, Math.floor(now() / 1000)));
      readings.queue = reading('refresh-log queue', () => readQueue(sources));
      readings.sweeps = reading('sweeps', () => readSweeps(sources));
    },
  };
}
