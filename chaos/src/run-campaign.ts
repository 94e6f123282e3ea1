/**
 * One fault campaign: prepare the same starting state in two sets of databases, compute the clean
 * run's effects on one, then run the hourly sweep on the other while Bytemark misbehaves, the worker
 * is SIGKILLed, FerretDB restarts and MariaDB connections are killed; measure; run a follow-up sweep
 * without faults; measure again; clean up everything the campaign started.
 */
import { randomUUID } from 'node:crypto';
import { createConnection, type Connection as MysqlConnection } from 'mysql2/promise';
import { TICKET_CACHE_STATE_TABLE } from '@btc/data';
import type { RefreshQueueResult, SweepProgress } from '@btc/workflows';
import { onDemandAlertsWorkflow } from '@btc/workflows/workflows';
import { LOCAL } from '@btc/tools';
import { startApiFaults, type FaultTally } from './api-faults';
import { compareRecords, keyUser, type Comparison } from './compare';
import { CHAOS_DATABASE, openEnvironment, type ChaosEnvironment, type Log } from './environment';
import { planFaults, type InfraEvent, type InfraKind } from './fault-plan';
import { WorkerSupervisor, ensureStackUp, killWorkerMysqlConnections, restartFerretDb } from './infra-faults';
import { resolveOptions, type ChaosOptions, type RunOptions } from './options';
import { DEFAULT_SHARES, planPopulation, type Population } from './population';
import {
  applyChanges,
  applyChaosOnlyState,
  breakAccounts,
  copyToReference,
  makeStale,
  repairPersistentFaults,
  seedAndBuild,
} from './prepare';
import { Prng } from './prng';
import { runReference } from './reference-run';
import { openWorkflows, snapshotDatabases, type DatabaseSnapshot, type OpenWorkflow } from './snapshot';
import { beforeDeadline, createCampaignSchedule, startQueueRun, type CampaignSchedule } from './sweep';
import { buildWorkflowBundle } from './workflow-bundle';

/** Outcomes a user may end a refresh with; anything else (or no refresh at all) is not a defined outcome. */
export const DEFINED_OUTCOMES = ['built', 'updated', 'unchanged', 'failed-auth', 'no-token', 'failed'] as const;
export const NOT_REACHED = 'not reached';
/** The per-task-queue singleton that batches on-demand failure alerts: open by design, not a stuck run. */
const LONG_LIVED_TYPES = new Set([onDemandAlertsWorkflow.name]);

export interface EventRecord {
  kind: InfraKind;
  /** The planned share of the sweep, and the share reached when it fired (null: the sweep finished first). */
  plannedAt: number;
  firedAt: number | null;
  detail: string;
}

export interface FailedUsers {
  userIds: number[];
  /** No audit entry, no free-ticket row, the cache as before. */
  untouched: number;
  /** The cache committed, its audit entries and free-ticket row recorded as pending in it (the next refresh writes them). */
  pendingRecorded: number;
  /** The cache committed and every effect the clean run wrote for the user written (the attempt failed after its work). */
  completed: number;
  /** Some effect written, the rest neither written nor recorded: must be none. */
  partial: number[];
}

export interface PhaseReport {
  name: string;
  durationMs: number;
  sweep: { workflowId: string; progress: SweepProgress | null; error: string | null };
  queue: { result: RefreshQueueResult | null; error: string | null };
  /** Users per outcome (the refresh state's last outcome in this campaign, or `not reached`). */
  outcomes: Record<string, number>;
  /** Users (not refreshed through the queue) whose outcome differs from the clean run's. */
  outcomeMismatches: number[];
  /** Users whose cache (passes, payload hashes, statuses, free flags, announced free tickets) differs from the clean run's. */
  cacheMismatches: number[];
  audit: Comparison;
  /** Of the missing audit entries, those of users whose refresh ended `failed` (to be written by a later refresh). */
  auditMissingOfFailedUsers: number;
  freeTickets: Comparison;
  freeTicketsMissingOfFailedUsers: number;
  failedUsers: FailedUsers;
  /** Caches still recording effects to write. */
  pendingEffects: number;
  openWorkflows: OpenWorkflow[];
  /** Open by design (the on-demand alerts singleton), terminated at cleanup. */
  longLivedWorkflows: OpenWorkflow[];
  staging: number;
  queueRows: Record<string, number>;
  /** Free-ticket pushes: users with a free-ticket row and no push, users pushed twice or more. */
  pushes: { received: number; usersWithoutPush: number[]; usersPushedTwice: number[] };
}

export interface CampaignResult {
  options: ChaosOptions;
  startedAt: string;
  durationMs: number;
  taskQueue: string;
  population: {
    users: number;
    noCache: number;
    changed: number;
    failedAuth: number;
    noToken: number;
    persistentFault: number[];
    queued: number;
    sessionExpired: number;
  };
  reference: { durationMs: number; outcomes: Record<string, number>; auditEntries: number; freeTicketRows: number };
  faults: { api: FaultTally; events: EventRecord[]; workerStarts: number };
  phases: PhaseReport[];
  cleanup: { terminated: number; schedulesDeleted: number };
  /** What missed a target (empty: every target met). */
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const message = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function countBy(values: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Counts the campaign's users touched since `sinceSec` (the sweep's progress) on a connection of its own. */
class ProgressProbe {
  touched = 0;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly conn: MysqlConnection,
    private readonly of: number,
  ) {}

  start(sinceSec: number): void {
    this.stopped = false;
    this.touched = 0;
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          const [rows] = await this.conn.query(
            `SELECT COUNT(*) AS n FROM \`${CHAOS_DATABASE}\`.\`${TICKET_CACHE_STATE_TABLE}\` WHERE checked_at >= ?`,
            [sinceSec],
          );
          this.touched = Number((rows as Array<{ n: number }>)[0]?.n ?? 0);
        } catch {
          // the next poll tries again
        }
        await sleep(150);
      }
    })();
  }

  share(): number {
    return this.touched / Math.max(1, this.of);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

export async function runCampaign(input: RunOptions, log: Log): Promise<CampaignResult> {
  const options = resolveOptions(input);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const deadline = Date.now() + options.timeLimitMinutes * 60_000;
  await ensureStackUp(() => undefined);
  const runId = randomUUID().slice(0, 8);
  const taskQueue = `chaos-${runId}`;
  const conn = await createConnection({ uri: LOCAL.mysqlUrl });
  const [locked] = await conn.query("SELECT GET_LOCK('btc-chaos-campaign', 0) AS got");
  if (Number((locked as Array<{ got: number }>)[0]?.got) !== 1) {
    await conn.end();
    throw new Error('another fault campaign is running on this stack (it holds the btc-chaos-campaign lock)');
  }
  const bundle = buildWorkflowBundle();
  bundle.catch(() => undefined); // awaited below
  let env: ChaosEnvironment | undefined;
  let worker: WorkerSupervisor | undefined;
  let schedule: CampaignSchedule | undefined;
  const cleanup = { terminated: 0, schedulesDeleted: 0 };
  try {
    env = await openEnvironment(options, log);
    const population = planPopulation(env.userIds, options.seed, DEFAULT_SHARES);
    const plan = planFaults({ ...options });
    await seedAndBuild(env, population, log);
    await breakAccounts(env, population);
    await copyToReference(env);
    await applyChanges(env, population, options.seed);
    const startSec = await makeStale(env);
    const beforeSweep = await snapshotDatabases(env.chaos, startSec);
    const reference = await runReference(env, population, log);
    const referenceSnapshot = await snapshotDatabases(env.reference, startSec);
    await applyChaosOnlyState(env, population);

    worker = new WorkerSupervisor(env.workerEnv(taskQueue, await bundle), log);
    await worker.start();
    schedule = await createCampaignSchedule(env.client, { taskQueue, ...options });
    const probe = new ProgressProbe(conn, population.userIds.length - population.noToken.length);
    const phases: PhaseReport[] = [];
    const measure = (name: string, p: Omit<PhaseInputs, 'env' | 'population' | 'referenceSnapshot'>) =>
      measurePhase(name, { env: env!, population, referenceSnapshot, ...p }, taskQueue, reference.outcomes);

    // 1. The sweep under faults.
    await env.admin.setSettings({ latency: { fixedMs: options.latencyMs, jitterMs: 0 }, rateLimitRps: 0 });
    await env.admin.resetCounters();
    log(
      `chaos sweep: ${population.userIds.length - population.noToken.length} token users, ` +
        `${plan.bursts.length} Bytemark fault bursts, ${plan.events.map((e) => e.kind).join(', ')}`,
    );
    const phaseStart = performance.now();
    probe.start(startSec);
    let sweepDone = false;
    const sweepId = await schedule.trigger();
    const apiFaults = startApiFaults(
      env.admin,
      plan.bursts,
      () => probe.share(),
      (error) => log(`fault driver: ${message(error)}`),
    );
    const midSweepQueue: { run: Promise<RefreshQueueResult> | null } = { run: null };
    const events = runEvents(plan.events, {
      rng: new Prng(options.seed * 31 + 7),
      share: () => probe.share(),
      finished: () => sweepDone,
      log,
      execute: async (kind) => {
        switch (kind) {
          case 'worker-kill': {
            const { killedPid, restartMs } = await worker!.killAndRestart();
            return `pid ${killedPid} SIGKILLed; new worker polling after ${(restartMs / 1000).toFixed(1)} s`;
          }
          case 'ferretdb-restart': {
            const { downMs } = await restartFerretDb(log);
            return `stopped and started again on the same data dir in ${(downMs / 1000).toFixed(1)} s`;
          }
          case 'mysql-kill': {
            const pid = await worker!.runningPid();
            if (pid === null) return 'no worker process (it did not come back)';
            return `${await killWorkerMysqlConnections(conn, pid)} worker connections killed`;
          }
          case 'queue-run':
            midSweepQueue.run = (
              await startQueueRun(env!.client, { taskQueue, workflowId: `${taskQueue}-queue-1` })
            ).result;
            return `refresh-log queue workflow started (${population.queued.length} users with type-1 rows)`;
        }
      },
    });
    let progress1: SweepProgress | null = null;
    let sweepError: string | null = null;
    try {
      progress1 = await beforeDeadline('the chaos sweep', schedule.result(sweepId), deadline);
    } catch (error) {
      sweepError = message(error);
    }
    sweepDone = true;
    const eventRecords = await events;
    const tally = await apiFaults.stop();
    await probe.stop();
    await ensureStackUp(() => undefined); // FerretDB is up whatever happened
    let queue1: { result: RefreshQueueResult | null; error: string | null } = {
      result: null,
      error: 'not started: the sweep finished before its point',
    };
    if (midSweepQueue.run) {
      try {
        queue1 = {
          result: await beforeDeadline('the refresh-log queue run', midSweepQueue.run, deadline),
          error: null,
        };
      } catch (error) {
        queue1 = { result: null, error: message(error) };
      }
    }
    phases.push(
      await measure('chaos sweep', {
        startSec,
        before: beforeSweep,
        durationMs: performance.now() - phaseStart,
        sweep: { workflowId: sweepId, progress: progress1, error: sweepError },
        queue: queue1,
      }),
    );

    // 2. The follow-up: no fault, the persistent fault repaired; then the queue once more.
    await env.admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
    await repairPersistentFaults(env, population);
    const followStart = performance.now();
    const beforeFollowUp = await snapshotDatabases(env.chaos, startSec);
    const followId = await schedule.trigger();
    let progress2: SweepProgress | null = null;
    let followError: string | null = null;
    try {
      progress2 = await beforeDeadline('the follow-up sweep', schedule.result(followId), deadline);
    } catch (error) {
      followError = message(error);
    }
    let queue2: { result: RefreshQueueResult | null; error: string | null };
    try {
      const run = await startQueueRun(env.client, { taskQueue, workflowId: `${taskQueue}-queue-2` });
      queue2 = { result: await beforeDeadline('the last refresh-log queue run', run.result, deadline), error: null };
    } catch (error) {
      queue2 = { result: null, error: message(error) };
    }
    phases.push(
      await measure('follow-up', {
        startSec,
        before: beforeFollowUp,
        durationMs: performance.now() - followStart,
        sweep: { workflowId: followId, progress: progress2, error: followError },
        queue: queue2,
      }),
    );

    const result: CampaignResult = {
      options,
      startedAt,
      durationMs: 0,
      taskQueue,
      population: {
        users: population.userIds.length,
        noCache: population.noCache.length,
        changed: population.changes.size,
        failedAuth: population.failedAuth.length,
        noToken: population.noToken.length,
        persistentFault: population.persistentFault,
        queued: population.queued.length,
        sessionExpired: population.sessionExpired.length,
      },
      reference: {
        durationMs: reference.durationMs,
        outcomes: countBy(reference.outcomes.values()),
        auditEntries: referenceSnapshot.auditKeys.length,
        freeTicketRows: referenceSnapshot.freeTicketKeys.length,
      },
      faults: { api: tally, events: eventRecords, workerStarts: worker.starts },
      phases,
      cleanup,
      problems: [],
    };
    result.problems = findProblems(result, options);
    result.durationMs = performance.now() - t0;
    return result;
  } finally {
    if (env) {
      // Whatever the campaign left running on its queue (a run cut short by the time limit, the alerts singleton).
      for (const wf of await openWorkflows(env.client, taskQueue).catch(() => [])) {
        await env.client.workflow
          .getHandle(wf.workflowId, wf.runId)
          .terminate('fault campaign cleanup')
          .then(() => (cleanup.terminated += 1))
          .catch(() => undefined);
      }
    }
    if (schedule) {
      await schedule.delete().catch(() => undefined);
      cleanup.schedulesDeleted += 1;
    }
    await worker?.stop().catch(() => undefined);
    await env?.close();
    await ensureStackUp(log).catch((error: unknown) => log(`stack: ${message(error)}`));
    await conn.end().catch(() => undefined);
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

interface EventContext {
  rng: Prng;
  share(): number;
  finished(): boolean;
  log: Log;
  execute(kind: InfraKind): Promise<string>;
}

/**
 * Fires the infrastructure faults, each once the sweep has reached its point: one lane per kind, so a
 * slow FerretDB restart does not push a worker kill to the end of the sweep; faults of different kinds
 * may overlap, as they do in production.
 */
async function runEvents(events: readonly InfraEvent[], ctx: EventContext): Promise<EventRecord[]> {
  const lanes = new Map<InfraKind, InfraEvent[]>();
  for (const e of events) lanes.set(e.kind, [...(lanes.get(e.kind) ?? []), e]);
  const records: EventRecord[] = [];
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const event of lane) {
        while (!ctx.finished() && ctx.share() < event.at) await sleep(100);
        if (ctx.finished()) {
          records.push({
            kind: event.kind,
            plannedAt: event.at,
            firedAt: null,
            detail: 'not fired: the sweep had finished',
          });
          continue;
        }
        await sleep(ctx.rng.int(400)); // a random moment, not the poll's
        const firedAt = ctx.share();
        let detail: string;
        try {
          detail = await ctx.execute(event.kind);
        } catch (error) {
          detail = `failed: ${message(error)}`;
        }
        ctx.log(`${event.kind} at ${(firedAt * 100).toFixed(0)} % of the sweep: ${detail}`);
        records.push({ kind: event.kind, plannedAt: event.at, firedAt, detail });
      }
    }),
  );
  return records.sort((a, b) => (a.firedAt ?? 2) - (b.firedAt ?? 2));
}

interface PhaseInputs {
  env: ChaosEnvironment;
  population: Population;
  referenceSnapshot: DatabaseSnapshot;
  startSec: number;
  /** The chaos databases when the phase started: what a failed user's refresh must have left as it was. */
  before: DatabaseSnapshot;
  durationMs: number;
  sweep: PhaseReport['sweep'];
  queue: PhaseReport['queue'];
}

/** Open workflows of the campaign's queue, read until visibility settles (it lags completions slightly). */
async function settledOpenWorkflows(env: ChaosEnvironment, taskQueue: string): Promise<OpenWorkflow[]> {
  let open: OpenWorkflow[] = [];
  for (let i = 0; i < 10; i++) {
    open = (await openWorkflows(env.client, taskQueue)).filter((w) => !LONG_LIVED_TYPES.has(w.type));
    if (open.length === 0) break;
    await sleep(500);
  }
  return [...open, ...(await openWorkflows(env.client, taskQueue)).filter((w) => LONG_LIVED_TYPES.has(w.type))];
}

async function measurePhase(
  name: string,
  p: PhaseInputs,
  taskQueue: string,
  referenceOutcomes: Map<number, string>,
): Promise<PhaseReport> {
  const snap = await snapshotDatabases(p.env.chaos, p.startSec);
  const outcomeOf = (userId: number) => snap.outcomes.get(userId) ?? NOT_REACHED;
  const queued = new Set(p.population.queued);
  const failed = p.population.userIds.filter((id) => outcomeOf(id) === 'failed');
  const failedSet = new Set(failed);
  const audit = compareRecords(p.referenceSnapshot.auditKeys, snap.auditKeys);
  const freeTickets = compareRecords(p.referenceSnapshot.freeTicketKeys, snap.freeTicketKeys);

  const perUser = (keys: readonly string[]) => countBy(keys.map((k) => String(keyUser(k))));
  const [auditNow, auditBefore] = [perUser(snap.auditKeys), perUser(p.before.auditKeys)];
  const [freeNow, freeBefore] = [perUser(snap.freeTicketKeys), perUser(p.before.freeTicketKeys)];
  const pending = new Set(snap.pendingEffects);
  const [auditClean, freeClean] = [perUser(p.referenceSnapshot.auditKeys), perUser(p.referenceSnapshot.freeTicketKeys)];
  const failedUsers: FailedUsers = { userIds: failed, untouched: 0, pendingRecorded: 0, completed: 0, partial: [] };
  for (const userId of failed) {
    const sameCache = snap.versions.get(userId) === p.before.versions.get(userId);
    const wrote =
      (auditNow[userId] ?? 0) !== (auditBefore[userId] ?? 0) || (freeNow[userId] ?? 0) !== (freeBefore[userId] ?? 0);
    if (sameCache && !wrote) failedUsers.untouched += 1;
    else if (pending.has(userId)) failedUsers.pendingRecorded += 1;
    else if (auditNow[userId] === auditClean[userId] && freeNow[userId] === freeClean[userId])
      failedUsers.completed += 1;
    else failedUsers.partial.push(userId);
  }

  const all = await settledOpenWorkflows(p.env, taskQueue);
  const pushesByUser = p.env.push.byUser();
  const freeUsers = [...new Set(snap.freeTicketKeys.map(keyUser))];
  return {
    name,
    durationMs: p.durationMs,
    sweep: p.sweep,
    queue: p.queue,
    outcomes: countBy(p.population.userIds.map(outcomeOf)),
    outcomeMismatches: p.population.userIds.filter(
      (id) => !queued.has(id) && outcomeOf(id) !== referenceOutcomes.get(id),
    ),
    cacheMismatches: p.population.userIds.filter(
      (id) => snap.contents.get(id) !== p.referenceSnapshot.contents.get(id),
    ),
    audit,
    auditMissingOfFailedUsers: audit.missing.filter((k) => failedSet.has(keyUser(k))).length,
    freeTickets,
    freeTicketsMissingOfFailedUsers: freeTickets.missing.filter((k) => failedSet.has(keyUser(k))).length,
    failedUsers,
    pendingEffects: snap.pendingEffects.length,
    openWorkflows: all.filter((w) => !LONG_LIVED_TYPES.has(w.type)),
    longLivedWorkflows: all.filter((w) => LONG_LIVED_TYPES.has(w.type)),
    staging: snap.staging,
    queueRows: snap.queueRows,
    pushes: {
      received: [...pushesByUser.values()].reduce((a, b) => a + b, 0),
      usersWithoutPush: freeUsers.filter((id) => !pushesByUser.has(id)),
      usersPushedTwice: [...pushesByUser].filter(([, n]) => n > 1).map(([id]) => id),
    },
  };
}

/** Every target the campaign checks, as one line per miss. */
export function findProblems(result: CampaignResult, options: ChaosOptions): string[] {
  const problems: string[] = [];
  const [chaos, follow] = result.phases;
  for (const phase of result.phases) {
    const at = `${phase.name}:`;
    if (phase.sweep.error) problems.push(`${at} sweep did not complete (${phase.sweep.error})`);
    if (phase.audit.duplicated.length > 0)
      problems.push(`${at} ${phase.audit.duplicated.length} duplicated audit entries`);
    if (phase.audit.unexpected.length > 0)
      problems.push(`${at} ${phase.audit.unexpected.length} unexpected audit entries`);
    if (phase.freeTickets.duplicated.length > 0)
      problems.push(`${at} ${phase.freeTickets.duplicated.length} duplicated free-ticket rows`);
    if (phase.freeTickets.unexpected.length > 0)
      problems.push(`${at} ${phase.freeTickets.unexpected.length} unexpected free-ticket rows`);
    if (phase.openWorkflows.length > 0) problems.push(`${at} ${phase.openWorkflows.length} workflows still open`);
    if (phase.failedUsers.partial.length > 0)
      problems.push(`${at} failed users with partial effects: ${phase.failedUsers.partial.join(', ')}`);
    if ((phase.outcomes[NOT_REACHED] ?? 0) > 0)
      problems.push(`${at} ${phase.outcomes[NOT_REACHED]} users in no defined outcome`);
    if (phase.pushes.usersPushedTwice.length > 0)
      problems.push(`${at} users pushed twice: ${phase.pushes.usersPushedTwice.join(', ')}`);
    if (phase.staging > 0) problems.push(`${at} ${phase.staging} staging documents left after cleanup`);
  }
  if (chaos) {
    const failed = new Set(chaos.failedUsers.userIds);
    const otherCaches = chaos.cacheMismatches.filter((id) => !failed.has(id));
    if (otherCaches.length > 0)
      problems.push(
        `chaos sweep: caches differ from the clean run for users not failed: ${otherCaches.slice(0, 10).join(', ')}`,
      );
    const missingOfOthers = chaos.audit.missing.length - chaos.auditMissingOfFailedUsers;
    if (missingOfOthers > 0)
      problems.push(`chaos sweep: ${missingOfOthers} audit entries missing for users not failed`);
    const freeMissingOfOthers = chaos.freeTickets.missing.length - chaos.freeTicketsMissingOfFailedUsers;
    if (freeMissingOfOthers > 0)
      problems.push(`chaos sweep: ${freeMissingOfOthers} free-ticket rows missing for users not failed`);
  }
  if (follow) {
    if (follow.audit.missing.length > 0)
      problems.push(`follow-up: ${follow.audit.missing.length} audit entries missing`);
    if (follow.freeTickets.missing.length > 0)
      problems.push(`follow-up: ${follow.freeTickets.missing.length} free-ticket rows missing`);
    if ((follow.outcomes['failed'] ?? 0) > 0)
      problems.push(`follow-up: ${follow.outcomes['failed']} users still failed`);
    if (follow.outcomeMismatches.length > 0)
      problems.push(
        `follow-up: outcome differs from the clean run for users ${follow.outcomeMismatches.slice(0, 10).join(', ')}`,
      );
    if (follow.cacheMismatches.length > 0)
      problems.push(
        `follow-up: caches differ from the clean run for users ${follow.cacheMismatches.slice(0, 10).join(', ')}`,
      );
    if (follow.pendingEffects > 0)
      problems.push(`follow-up: ${follow.pendingEffects} caches still hold pending effects`);
    if (follow.pushes.usersWithoutPush.length > 0)
      problems.push(`follow-up: ${follow.pushes.usersWithoutPush.length} users with a free ticket never pushed`);
  }
  const fired = (kind: InfraKind) => result.faults.events.filter((e) => e.kind === kind && e.firedAt !== null).length;
  if (fired('worker-kill') < options.workerKills)
    problems.push(`only ${fired('worker-kill')} of ${options.workerKills} worker kills fired`);
  if (fired('ferretdb-restart') < options.ferretRestarts)
    problems.push(`only ${fired('ferretdb-restart')} of ${options.ferretRestarts} FerretDB restarts fired`);
  for (const e of result.faults.events) if (e.detail.startsWith('failed')) problems.push(`${e.kind} ${e.detail}`);
  return problems;
}
