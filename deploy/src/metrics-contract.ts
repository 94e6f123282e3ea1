import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExposition } from './exposition';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric the worker exports: its type and each label with its allowed values (`'any'`: open-ended). */
export interface MetricContract {
  type: MetricType;
  help: string;
  labels: Readonly<Record<string, readonly string[] | 'any'>>;
}

// `bench`: the benchmark's refreshes. `paused`: an operator paused Bytemark calls; `purged`: a deleted rider.
// `backing-off` is read by the dashboard; no refresh ends so today (a user in auth back-off is not due: no refresh starts).
const TRIGGERS = ['hourly', 'on-demand', 'refresh-log-queue', 'bootstrap', 'manual', 'bench'];
const OUTCOMES = [
  'built',
  'updated',
  'unchanged',
  'fresh-skipped',
  'no-token',
  'failed-auth',
  'failed',
  'backing-off',
  'paused',
  'purged',
];
const ENDPOINTS = ['login', 'passes', 'passes_history'];
const ERROR_TYPES = ['auth', 'forbidden', 'rate_limit', 'unavailable', 'timeout', 'response', 'too_large'];

/**
 * The worker's own metrics (prom-client, on :9464/metrics beside the Temporal SDK's `temporal_*` series): what the
 * alert rules and the dashboard may read. No label carries a user id. `status` is the HTTP status code, or `none`
 * for a transport error.
 */
export const TICKET_CACHE_METRICS: Readonly<Record<string, MetricContract>> = {
  ticket_cache_refreshes_total: {
    type: 'counter',
    help: 'Per-user refreshes by what started them and how they ended (hit ratio: unchanged / (unchanged + updated + built)).',
    labels: { trigger: TRIGGERS, outcome: OUTCOMES },
  },
  ticket_cache_refresh_duration_seconds: {
    type: 'histogram',
    help: 'Duration of one per-user refresh.',
    labels: { trigger: TRIGGERS },
  },
  bytemark_api_request_duration_seconds: {
    type: 'histogram',
    help: 'Duration of one Bytemark API request.',
    labels: { endpoint: ENDPOINTS },
  },
  bytemark_api_requests_total: {
    type: 'counter',
    help: 'Bytemark API requests by endpoint and HTTP status (none: transport error).',
    labels: { endpoint: ENDPOINTS, status: 'any' },
  },
  bytemark_api_errors_total: {
    type: 'counter',
    help: 'Failed Bytemark API requests by endpoint, error type and status.',
    labels: { endpoint: ENDPOINTS, type: ERROR_TYPES, status: 'any' },
  },
  bytemark_logins_total: {
    type: 'counter',
    help: 'Re-logins after an expired token.',
    labels: { result: ['succeeded', 'failed'] },
  },
  bytemark_rate_limit_calls_total: {
    type: 'counter',
    help: 'Calls through the shared pacer.',
    labels: {},
  },
  bytemark_rate_limit_calls_per_second: {
    type: 'gauge',
    help: "The global limit in force: an operator's (cli bytemark rate-limit) or BYTEMARK_RATE_LIMIT_RPS.",
    labels: {},
  },
  bytemark_rate_limit_wait_seconds: {
    type: 'histogram',
    help: 'Time a call waited for its slot, by lane.',
    labels: { lane: ['rider', 'queue', 'sweep'] },
  },
  ticket_cache_token_users: { type: 'gauge', help: 'Users with a Bytemark token.', labels: {} },
  ticket_cache_users_due: { type: 'gauge', help: 'Token users whose cache is due for a refresh.', labels: {} },
  ticket_cache_users_past_ttl: { type: 'gauge', help: 'Token users whose cache is older than the TTL.', labels: {} },
  ticket_cache_oldest_cache_age_seconds: { type: 'gauge', help: 'Age of the oldest token user cache.', labels: {} },
  ticket_cache_auth_backoff_users: { type: 'gauge', help: 'Users backed off after failed auth.', labels: {} },
  ticket_cache_sweep_last_success_timestamp_seconds: {
    type: 'gauge',
    help: 'Unix time the last successful sweep ended.',
    labels: {},
  },
  ticket_cache_sweep_last_users_per_second: { type: 'gauge', help: 'Users per second of the last sweep.', labels: {} },
  ticket_cache_sweep_last_users_left: { type: 'gauge', help: 'Users the last sweep did not reach.', labels: {} },
  ticket_cache_refresh_queue_rows: {
    type: 'gauge',
    help: 'Refresh-log queue rows by status.',
    labels: { status: ['pending', 'failed'] },
  },
  ticket_cache_refresh_queue_oldest_pending_age_seconds: {
    type: 'gauge',
    help: 'Age of the oldest pending refresh-log row.',
    labels: {},
  },
  ticket_cache_collector_errors_total: {
    type: 'counter',
    help: 'Reads of a gauge from MySQL that failed.',
    labels: {},
  },
};

/** A recorded scrape of the Temporal SDK 1.24.0 with the worker's prometheus options (see deploy/README.md). */
export const TEMPORAL_SDK_METRICS_FIXTURE = join(__dirname, 'fixtures', 'temporal-sdk-1.24.0.metrics.txt');

/**
 * The `temporal_*` metrics the SDK really exports with `countersTotalSuffix`, `unitSuffix` and
 * `useSecondsForDurations`, read from the recorded scrape; label values are open-ended.
 */
export function temporalSdkMetrics(): Record<string, MetricContract> {
  const out: Record<string, MetricContract> = {};
  for (const f of parseExposition(readFileSync(TEMPORAL_SDK_METRICS_FIXTURE, 'utf8')).values()) {
    const labels: Record<string, 'any'> = {};
    for (const label of f.labels.keys()) labels[label] = 'any';
    out[f.name] = { type: f.type as MetricType, help: 'Temporal SDK', labels };
  }
  return out;
}

/** Every metric the worker's scrape target has, with `up` (which Prometheus adds to every target). */
export function workerMetrics(): Record<string, MetricContract> {
  return {
    ...TICKET_CACHE_METRICS,
    ...temporalSdkMetrics(),
    up: { type: 'gauge', help: 'Prometheus: 1 when the scrape succeeded.', labels: {} },
  };
}
