/**
 * The campaign's two phases on the chaos databases: the hourly sweep while Bytemark misbehaves and
 * the infrastructure faults fire at their points of it (with a refresh-log queue run overlapping it),
 * then a follow-up sweep without faults; each measured against the clean run.
 */
import type { Connection as MysqlConnection } from 'mysql2/promise';
import type { RefreshQueueResult } from '@btc/workflows';
import { startApiFaults, type FaultTally } from './api-faults';
import type { EventRecord, PhaseReport, Settled } from './campaign-result';
import { message } from './campaign-utils';
import type { ChaosEnvironment, Log } from './environment';
import type { FaultPlan, InfraKind } from './fault-plan';
import { runEvents } from './infra-events';
import { killWorkerMysqlConnections, restartFerretDb, ensureStackUp, type WorkerSupervisor } from './infra-faults';
import { measurePhase, type PhaseInputs } from './measure-phase';
import type { ChaosOptions } from './options';
import type { Population } from './population';
import { repairPersistentFaults } from './prepare';
import { Prng } from './prng';
import { ProgressProbe } from './progress-probe';
import { snapshotDatabases } from './snapshot';
import type { StartingState } from './starting-state';
import { settleBefore, startQueueRun, type CampaignSchedule } from './sweep';

/** What both phases run on. */
export interface CampaignRun {
  options: ChaosOptions;
  log: Log;
  env: ChaosEnvironment;
  population: Population;
  start: StartingState;
  /** The campaign's own MariaDB connection (the lock, the progress probe, the connection kills). */
  conn: MysqlConnection;
  taskQueue: string;
  /** The time limit (ms since the epoch) every wait on Temporal is bounded by. */
  deadline: number;
  worker: WorkerSupervisor;
  schedule: CampaignSchedule;
}

function measure(
  run: CampaignRun,
  name: string,
  p: Omit<PhaseInputs, 'env' | 'population' | 'referenceSnapshot' | 'startSec'>,
) {
  const { env, population, start, taskQueue } = run;
  return measurePhase(
    name,
    { env, population, referenceSnapshot: start.referenceSnapshot, startSec: start.startSec, ...p },
    taskQueue,
    start.reference.outcomes,
  );
}

/** What each infrastructure event does; a queue run started by one is handed back through `queueRun`. */
function infraActions(run: CampaignRun, queueRun: { result: Promise<RefreshQueueResult> | null }) {
  const { worker, conn, env, taskQueue, population } = run;
  return async (kind: InfraKind): Promise<string> => {
    switch (kind) {
      case 'worker-kill': {
        const { killedPid, restartMs } = await worker.killAndRestart();
        return `pid ${killedPid} SIGKILLed; new worker polling after ${(restartMs / 1000).toFixed(1)} s`;
      }
      case 'ferretdb-restart': {
        const { downMs } = await restartFerretDb(run.log);
        return `stopped and started again on the same data dir in ${(downMs / 1000).toFixed(1)} s`;
      }
      case 'mysql-kill': {
        const pid = await worker.runningPid();
        if (pid === null) return 'no worker process (it did not come back)';
        return `${await killWorkerMysqlConnections(conn, pid)} worker connections killed`;
      }
      case 'queue-run':
        queueRun.result = (await startQueueRun(env.client, { taskQueue, workflowId: `${taskQueue}-queue-1` })).result;
        return `refresh-log queue workflow started (${population.queued.length} users with type-1 rows)`;
    }
  };
}

/** 1. The sweep under faults: Bytemark bursts and the infrastructure events at their shares of the sweep. */
export async function chaosSweep(
  run: CampaignRun,
  plan: FaultPlan,
): Promise<{ phase: PhaseReport; api: FaultTally; events: EventRecord[] }> {
  const { env, population, options, log, schedule, deadline, start } = run;
  const probe = new ProgressProbe(run.conn, population.userIds.length - population.noToken.length);
  await env.admin.setSettings({ latency: { fixedMs: options.latencyMs, jitterMs: 0 }, rateLimitRps: 0 });
  await env.admin.resetCounters();
  log(
    `chaos sweep: ${population.userIds.length - population.noToken.length} token users, ` +
      `${plan.bursts.length} Bytemark fault bursts, ${plan.events.map((e) => e.kind).join(', ')}`,
  );
  const phaseStart = performance.now();
  probe.start(start.startSec);
  let sweepDone = false;
  const sweepId = await schedule.trigger();
  const apiFaults = startApiFaults(
    env.admin,
    plan.bursts,
    () => probe.share(),
    (error) => log(`fault driver: ${message(error)}`),
  );
  const queueRun: { result: Promise<RefreshQueueResult> | null } = { result: null };
  const events = runEvents(plan.events, {
    rng: new Prng(options.seed * 31 + 7),
    share: () => probe.share(),
    finished: () => sweepDone,
    log,
    execute: infraActions(run, queueRun),
  });
  const sweep = await settleBefore('the chaos sweep', schedule.result(sweepId), deadline);
  sweepDone = true;
  const eventRecords = await events;
  const tally = await apiFaults.stop();
  await probe.stop();
  await ensureStackUp(() => undefined); // FerretDB is up whatever happened
  const queue: Settled<RefreshQueueResult> = queueRun.result
    ? await settleBefore('the refresh-log queue run', queueRun.result, deadline)
    : { result: null, error: 'not started: the sweep finished before its point' };
  const phase = await measure(run, 'chaos sweep', {
    before: start.beforeSweep,
    durationMs: performance.now() - phaseStart,
    sweep: { workflowId: sweepId, progress: sweep.result, error: sweep.error },
    queue,
  });
  return { phase, api: tally, events: eventRecords };
}

/** 2. The follow-up: no fault, the persistent fault repaired; then the queue once more. */
export async function followUp(run: CampaignRun): Promise<PhaseReport> {
  const { env, population, schedule, deadline, taskQueue, start } = run;
  await env.admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
  await repairPersistentFaults(env, population);
  const followStart = performance.now();
  const before = await snapshotDatabases(env.chaos, start.startSec);
  const followId = await schedule.trigger();
  const sweep = await settleBefore('the follow-up sweep', schedule.result(followId), deadline);
  let queue: Settled<RefreshQueueResult>;
  try {
    const queueRun = await startQueueRun(env.client, { taskQueue, workflowId: `${taskQueue}-queue-2` });
    queue = await settleBefore('the last refresh-log queue run', queueRun.result, deadline);
  } catch (error) {
    queue = { result: null, error: message(error) };
  }
  return measure(run, 'follow-up', {
    before,
    durationMs: performance.now() - followStart,
    sweep: { workflowId: followId, progress: sweep.result, error: sweep.error },
    queue,
  });
}
