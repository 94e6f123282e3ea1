/** What a phase left in the chaos databases and on Temporal, against the clean run's effects. */
import { onDemandAlertsWorkflow } from '@btc/workflows/workflows';
import { NOT_REACHED, type FailedUsers, type PhaseReport } from './campaign-result';
import { countBy, sleep } from './campaign-utils';
import { compareRecords, keyUser } from './compare';
import type { ChaosEnvironment } from './environment';
import type { Population } from './population';
import { openWorkflows, snapshotDatabases, type DatabaseSnapshot, type OpenWorkflow } from './snapshot';

/** The per-task-queue singleton that batches on-demand failure alerts: open by design, not a stuck run. */
const LONG_LIVED_TYPES = new Set([onDemandAlertsWorkflow.name]);

export interface PhaseInputs {
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

/**
 * A failed user's refresh either left everything as it was, or committed and recorded its effects
 * as pending, or committed and wrote every effect the clean run wrote; anything else is partial.
 */
function classifyFailedUsers(p: PhaseInputs, snap: DatabaseSnapshot, failed: number[]): FailedUsers {
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
  return failedUsers;
}

export async function measurePhase(
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
  const failedUsers = classifyFailedUsers(p, snap, failed);

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
