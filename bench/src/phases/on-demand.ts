/**
 * ON-DEMAND DURING A SATURATED SWEEP: how long a rider waits for `requestTicketRefresh(..., { wait: true })`
 * when nothing else runs, and while a sweep spends the whole Bytemark rate limit, in the same run. The
 * phase's worker process is started with the low limit (`BYTEMARK_RATE_LIMIT_RPS`), as production would
 * run it, so the server-side dispatch rate and the call pacer both hold it.
 */
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { PRIORITY } from '@btc/workflows';
import { refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import type { BenchEnvironment } from '../environment';
import { bytemarkCalls, percentile, round } from '../metrics';
import { sweepArgs, type BenchOptions } from '../options';

export interface LatencySample {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  requests: number;
}

export interface OnDemandResult {
  /** The Bytemark limit of the phase (calls/s) and the simulated latency per call. */
  rateLimit: number;
  latencyMs: number;
  idle: LatencySample;
  duringSweep: LatencySample;
  /** Bytemark calls per second while the riders were measured during the sweep: the sweep's and the riders'. */
  callsPerSecond: number;
  /** The sweep's own calls per second in that window (the riders' measured calls taken out). */
  sweepCallsPerSecond: number;
  sweepShareOfLimit: number;
  /** Bytemark calls in the busiest second of the phase, as the simulator counted them (the limit holds if ≤ rateLimit). */
  peakCallsPerSecond: number;
  /** A rider's refresh costs this many Bytemark calls (measured idle). */
  callsPerRiderRefresh: number;
  /** True when the sweep ended before the riders were all measured (the window is then shorter). */
  sweepEndedEarly: boolean;
}

/** Riders are measured once the sweep has spent at least this share of the limit over a second (or after the wait). */
const SATURATED_SHARE = 0.8;
const SATURATE_MAX_WAIT_MS = 10_000;

export async function runOnDemandPhase(
  env: BenchEnvironment,
  options: BenchOptions,
  taskQueue: string,
): Promise<OnDemandResult> {
  const riders = options.onDemandRequests;
  // Riders are taken from the end of the population and the sweep goes oldest first from the same
  // state, so the idle riders' refreshes (which make them fresh) do not shorten the sweep much.
  const idleUsers = env.userIds.slice(-riders);
  const duringUsers = env.userIds.slice(-2 * riders, -riders);
  const idleCallsBefore = await bytemarkCalls(env.admin);
  const idle = await measureRiders(env, taskQueue, idleUsers, () => false);
  const callsPerRiderRefresh = ((await bytemarkCalls(env.admin)) - idleCallsBefore) / idleUsers.length;

  const workflowId = `bench-saturated-sweep-${taskQueue}`;
  const sweep = await env.client.workflow.start(refreshAllTicketCachesWorkflow, {
    workflowId,
    taskQueue,
    args: [{ ...sweepArgs(options), trigger: 'bench' }],
    priority: { priorityKey: PRIORITY.sweep },
    staticSummary: 'Bench: the sweep that saturates the rate limit',
  });
  let sweepEnded = false;
  void sweep
    .result()
    .catch(() => undefined)
    .finally(() => (sweepEnded = true));
  try {
    await untilSaturated(env, options.onDemandRate, () => sweepEnded);
    const callsBefore = await bytemarkCalls(env.admin);
    const t0 = performance.now();
    const during = await measureRiders(env, taskQueue, duringUsers, () => sweepEnded);
    const windowS = (performance.now() - t0) / 1000;
    const calls = (await bytemarkCalls(env.admin)) - callsBefore;
    const sweepCalls = calls - callsPerRiderRefresh * during.requests;
    const sweepEndedEarly = sweepEnded;
    return {
      rateLimit: options.onDemandRate,
      latencyMs: options.onDemandLatencyMs,
      idle,
      duringSweep: during,
      callsPerSecond: round(calls / windowS, 1),
      sweepCallsPerSecond: round(sweepCalls / windowS, 1),
      sweepShareOfLimit: round(sweepCalls / windowS / options.onDemandRate, 3),
      peakCallsPerSecond: (await env.admin.rate()).peakPerSecond,
      callsPerRiderRefresh: round(callsPerRiderRefresh, 2),
      sweepEndedEarly,
    };
  } finally {
    // The sweep only made the load: it stops here (its batches are terminated with it).
    await sweep.terminate('bench: on-demand phase measured').catch(() => undefined);
  }
}

/** Waits until a second of the sweep's calls reaches `SATURATED_SHARE` of the limit (its backlog has formed). */
async function untilSaturated(env: BenchEnvironment, limit: number, ended: () => boolean): Promise<void> {
  const deadline = Date.now() + SATURATE_MAX_WAIT_MS;
  let last = await bytemarkCalls(env.admin);
  while (Date.now() < deadline && !ended()) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await bytemarkCalls(env.admin);
    if (now - last >= SATURATED_SHARE * limit) return;
    last = now;
  }
}

/** One rider at a time, as the app's users arrive: each waits for its own refresh's answer. */
async function measureRiders(
  env: BenchEnvironment,
  taskQueue: string,
  userIds: readonly number[],
  stop: () => boolean,
): Promise<LatencySample> {
  const latencies: number[] = [];
  for (const userId of userIds) {
    if (stop()) break;
    const t0 = performance.now();
    await requestTicketRefresh(env.client, userId, { wait: true, taskQueue, mode: 'check' });
    latencies.push(performance.now() - t0);
  }
  return {
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    maxMs: Math.round(Math.max(0, ...latencies)),
    requests: latencies.length,
  };
}
