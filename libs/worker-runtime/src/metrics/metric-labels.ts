import type { BytemarkEndpoint, BytemarkFailureKind } from '@btc/bytemark-client';
import type { CallLane } from '@btc/data';
import type { RefreshOutcome, RefreshTrigger } from '@btc/workflows';

/**
 * Every value a label of the worker's metrics can take (deploy/src/metrics-contract.ts lists what the
 * rules and the dashboard may read; a spec checks these against it). Closed sets: no user id, no
 * free text, so the number of series stays bounded. Labelled counters start at 0 for each.
 */
export const TRIGGERS = [
  'hourly',
  'on-demand',
  'refresh-log-queue',
  'bootstrap',
  'manual',
  'bench',
] as const satisfies readonly RefreshTrigger[];

/** An attempt that threw is `failed`; every other value is a `RefreshOutcome`. */
export type RefreshMetricOutcome = RefreshOutcome | 'failed';

export const OUTCOMES = [
  'built',
  'updated',
  'unchanged',
  'fresh-skipped',
  'no-token',
  'failed-auth',
  'paused',
  'purged',
  'failed',
] as const satisfies readonly RefreshMetricOutcome[];

export const ENDPOINTS = ['login', 'passes', 'passes_history'] as const satisfies readonly BytemarkEndpoint[];

/** `bytemark_api_errors_total{type}`: the client's failure kinds in the metric names' snake case. */
export const ERROR_TYPES = {
  auth: 'auth',
  forbidden: 'forbidden',
  'rate-limit': 'rate_limit',
  unavailable: 'unavailable',
  timeout: 'timeout',
  response: 'response',
  'too-large': 'too_large',
} as const satisfies Record<BytemarkFailureKind, string>;

/**
 * The status each error type starts at 0 with (its usual one; others appear when they happen): so
 * the error ratios read 0, not "no data", before the first error. `none`: no response arrived.
 */
export const USUAL_ERROR_STATUS: Record<BytemarkFailureKind, string> = {
  auth: '401',
  forbidden: '403',
  'rate-limit': '429',
  unavailable: '503',
  timeout: 'none',
  response: '200',
  'too-large': 'none',
};

export const LANES = ['rider', 'queue', 'sweep'] as const satisfies readonly CallLane[];

export const LOGIN_RESULTS = ['succeeded', 'failed'] as const;

// Each list names every value of its type: a new trigger, outcome, endpoint or lane fails the build here.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
const complete: [
  Missing<RefreshTrigger, (typeof TRIGGERS)[number]>,
  Missing<RefreshMetricOutcome, (typeof OUTCOMES)[number]>,
  Missing<BytemarkEndpoint, (typeof ENDPOINTS)[number]>,
  Missing<CallLane, (typeof LANES)[number]>,
] = [true, true, true, true];
void complete;

/** A trigger as a label: one of `TRIGGERS` (a value from an older or newer workflow counts as `manual`). */
export function triggerLabel(trigger: string): (typeof TRIGGERS)[number] {
  return (TRIGGERS as readonly string[]).includes(trigger) ? (trigger as (typeof TRIGGERS)[number]) : 'manual';
}

/** An outcome as a label: one of `OUTCOMES` (an unknown one counts as `failed`). */
export function outcomeLabel(outcome: string): (typeof OUTCOMES)[number] {
  return (OUTCOMES as readonly string[]).includes(outcome) ? (outcome as (typeof OUTCOMES)[number]) : 'failed';
}

/** An HTTP status as a label: the code, or `none` when no response arrived. */
export function statusLabel(status: number | null): string {
  return status === null ? 'none' : String(status);
}
