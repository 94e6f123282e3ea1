/**
 * One fault campaign: prepare the same starting state in two sets of databases, compute the clean
 * run's effects on one, then run the hourly sweep on the other while Bytemark misbehaves, the worker
 * is SIGKILLed, FerretDB restarts and MariaDB connections are killed; measure; run a follow-up sweep
 * without faults; measure again; clean up everything the campaign started.
 */
import { randomUUID } from 'node:crypto';
import { cleanUpCampaign, lockCampaign, type CampaignResources } from './campaign-cleanup';
import { chaosSweep, followUp } from './campaign-phases';
import type { CampaignResult } from './campaign-result';
import { countBy } from './campaign-utils';
import { openEnvironment, type Log } from './environment';
import { planFaults } from './fault-plan';
import { findProblems } from './find-problems';
import { WorkerSupervisor, ensureStackUp } from './infra-faults';
import { resolveOptions, type RunOptions } from './options';
import { DEFAULT_SHARES, planPopulation, type Population } from './population';
import { prepareStartingState } from './starting-state';
import { createCampaignSchedule } from './sweep';
import { buildWorkflowBundle } from './workflow-bundle';

export async function runCampaign(input: RunOptions, log: Log): Promise<CampaignResult> {
  const options = resolveOptions(input);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const deadline = Date.now() + options.timeLimitMinutes * 60_000;
  await ensureStackUp(() => undefined);
  const taskQueue = `chaos-${randomUUID().slice(0, 8)}`;
  const resources: CampaignResources = { conn: await lockCampaign(), taskQueue };
  const bundle = buildWorkflowBundle();
  bundle.catch(() => undefined); // awaited below
  const cleanup = { terminated: 0, schedulesDeleted: 0 };
  try {
    const env = (resources.env = await openEnvironment(options, log));
    const population = planPopulation(env.userIds, options.seed, DEFAULT_SHARES);
    const plan = planFaults({ ...options });
    const start = await prepareStartingState(env, population, options.seed, log);
    const worker = (resources.worker = new WorkerSupervisor(env.workerEnv(taskQueue, await bundle), log));
    await worker.start();
    const schedule = (resources.schedule = await createCampaignSchedule(env.client, { taskQueue, ...options }));
    const run = { options, log, env, population, start, conn: resources.conn, taskQueue, deadline, worker, schedule };

    const chaos = await chaosSweep(run, plan);
    const follow = await followUp(run);

    const result: CampaignResult = {
      options,
      startedAt,
      durationMs: 0,
      taskQueue,
      population: describePopulation(population),
      reference: {
        durationMs: start.reference.durationMs,
        outcomes: countBy(start.reference.outcomes.values()),
        auditEntries: start.referenceSnapshot.auditKeys.length,
        freeTicketRows: start.referenceSnapshot.freeTicketKeys.length,
      },
      faults: { api: chaos.api, events: chaos.events, workerStarts: worker.starts },
      phases: [chaos.phase, follow],
      cleanup,
      problems: [],
    };
    result.problems = findProblems(result, options);
    result.durationMs = performance.now() - t0;
    return result;
  } finally {
    await cleanUpCampaign(resources, log, cleanup);
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

function describePopulation(population: Population): CampaignResult['population'] {
  return {
    users: population.userIds.length,
    noCache: population.noCache.length,
    changed: population.changes.size,
    failedAuth: population.failedAuth.length,
    noToken: population.noToken.length,
    persistentFault: population.persistentFault,
    queued: population.queued.length,
    sessionExpired: population.sessionExpired.length,
  };
}
