/**
 * One benchmark run over N users: prepare (untimed), then ours, baseline and ceiling against the
 * same simulator, databases and machine, each from the same starting state (see phase-setup.ts).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { bytemarkTaskQueue } from '@btc/workflows';
import { ensureStack, openEnvironment, stopStack, type Log } from './environment';
import { round } from './metrics';
import { DEFAULT_OPTIONS, QUICK_OPTIONS, type BenchOptions } from './options';
import { runBaselinePhase } from './phases/baseline';
import { runCeilingPhase } from './phases/ceiling';
import { runOnDemandPhase, type OnDemandResult } from './phases/on-demand';
import { runOursPhase } from './phases/ours';
import { startPhase } from './phases/phase-setup';
import type { PhaseName, PhaseResult } from './phases/phase-result';
import { buildAllCaches } from './phases/prepare';
import { warmUpCeiling, warmUpOurs } from './phases/warm-up';
import { startWorkerProcess, type WorkerHandle } from './worker-handle';
import { buildWorkflowBundles } from './workflow-bundles';

export interface Ratios {
  speedupOverBaseline: number;
  /** `rate / Bytemark calls per user`: what the rate limit allows at best. */
  rateLimitCeilingUsersPerSecond: number;
  efficiencyVsCeiling: number;
  efficiencyVsRateLimitCeiling: number;
  efficiencyVsSmallerCeiling: number;
}

export interface BenchmarkResult {
  options: BenchOptions;
  startedAt: string;
  machine: { cpus: number; node: string; platform: string };
  phases: Record<PhaseName, PhaseResult>;
  /** On-demand refreshes idle and during a sweep that saturates the rate limit (null: `--on-demand-requests 0`). */
  onDemand: OnDemandResult | null;
  /** Ours over the baseline, users/s (also `ratios.speedupOverBaseline`). */
  speedup: number;
  ratios: Ratios;
}

export type RunOptions = Partial<BenchOptions> & { quick?: boolean };

export function resolveOptions(input: RunOptions): BenchOptions {
  const { quick, ...given } = input;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_OPTIONS, ...(quick ? QUICK_OPTIONS : {}), ...defined };
}

export async function runBenchmark(
  input: RunOptions,
  log: Log = (line) => console.log(line),
): Promise<BenchmarkResult> {
  const options = resolveOptions(input);
  const startedAt = new Date().toISOString();
  const started = await ensureStack(log);
  const workers: WorkerHandle[] = [];
  const env = await openEnvironment(options, log);
  try {
    const runId = randomUUID().slice(0, 8);
    const oursQueue = `bench-ours-${runId}`;
    const ceilingQueue = `bench-ceiling-${runId}`;
    const bundles = await buildWorkflowBundles();
    const ours: WorkerHandle[] = [];
    for (let i = 0; i < options.workers; i++) {
      ours.push(await startWorkerProcess(env.workerEnv('ours', oursQueue, bundles.ours), log));
    }
    workers.push(...ours);
    log(`prepare: building ${env.userIds.length} caches (untimed)`);
    await buildAllCaches(env);
    await warmUpOurs(env, oursQueue);

    log(`ours: hourly schedule trigger → sweep of ${env.userIds.length} users (${ours.length} worker processes)`);
    const oursResult = await runOursPhase(
      env,
      options,
      ours,
      oursQueue,
      await startPhase(env, options, env.userIds, 0),
    );
    await Promise.all(ours.map((w) => w.stop()));

    const sample = env.userIds.slice(0, options.baselineMaxUsers);
    log(`baseline: the original sequential job over ${sample.length} users`);
    const baselineResult = await runBaselinePhase(env, sample, await startPhase(env, options, sample, 1));

    const ceiling = await startWorkerProcess(env.workerEnv('ceiling', ceilingQueue, bundles.ceiling), log);
    workers.push(ceiling);
    log(`ceiling: no-op activities, shape ${options.ceilingShape}, ${env.userIds.length} users`);
    await warmUpCeiling(env, options, ceilingQueue, bytemarkTaskQueue(ceilingQueue));
    const ceilingResult = await runCeilingPhase(env, options, ceiling, ceilingQueue);
    await ceiling.stop();

    let onDemand: OnDemandResult | null = null;
    if (options.onDemandRequests > 0) {
      const saturatedQueue = `bench-saturated-${runId}`;
      const phaseOptions = { ...options, rate: options.onDemandRate, latencyMs: options.onDemandLatencyMs };
      const saturated = await startWorkerProcess(
        {
          ...env.workerEnv('ours', saturatedQueue, bundles.ours),
          BYTEMARK_RATE_LIMIT_RPS: String(options.onDemandRate),
        },
        log,
      );
      workers.push(saturated);
      log(
        `on-demand: ${options.onDemandRequests} riders idle, then during a sweep at ${options.onDemandRate} calls/s ` +
          `(${options.onDemandLatencyMs} ms per call)`,
      );
      await startPhase(env, phaseOptions, env.userIds, 2);
      onDemand = await runOnDemandPhase(env, phaseOptions, saturatedQueue);
      await saturated.stop();
    }

    const rateCeiling = options.rate / Math.max(1e-9, oursResult.bytemarkCallsPerUser ?? 2);
    const speedup = round(oursResult.usersPerSecond / baselineResult.usersPerSecond, 1);
    const ratios: Ratios = {
      speedupOverBaseline: speedup,
      rateLimitCeilingUsersPerSecond: round(rateCeiling, 1),
      efficiencyVsCeiling: round(oursResult.usersPerSecond / ceilingResult.usersPerSecond),
      efficiencyVsRateLimitCeiling: round(oursResult.usersPerSecond / rateCeiling),
      efficiencyVsSmallerCeiling: round(
        oursResult.usersPerSecond / Math.min(rateCeiling, ceilingResult.usersPerSecond),
      ),
    };
    return {
      options,
      startedAt,
      machine: { cpus: os.cpus().length, node: process.version, platform: `${os.type()} ${os.release()}` },
      phases: { baseline: baselineResult, ours: oursResult, ceiling: ceilingResult },
      onDemand,
      speedup,
      ratios,
    };
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await env.close();
    await stopStack(log, started);
  }
}
