/** Measurements shared by the phases: percentiles, Bytemark calls, per-user workflows, histories, audit entries. */
import type { Client } from '@temporalio/client';
import type { SimulatorAdmin } from '@btc/bytemark-simulator';
import { TICKET_LOG_COLLECTION } from '@btc/data';
import type { Connection } from 'mongoose';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Bytemark API requests since the last counter reset (every route but /admin, whatever the status). */
export async function bytemarkCalls(admin: SimulatorAdmin): Promise<number> {
  const counters = await admin.counters();
  return Object.entries(counters)
    .filter(([route]) => !route.includes('/admin'))
    .reduce((sum, [, c]) => sum + c.total, 0);
}

export interface UserRun {
  workflowId: string;
  runId: string;
  latencyMs: number;
}

/** The per-user workflows of one type started on `taskQueue` since `since` (waits for visibility to catch up). */
export async function listUserRuns(
  client: Client,
  q: { workflowType: string; taskQueue: string; since: Date; expected: number },
): Promise<UserRun[]> {
  const query =
    `WorkflowType='${q.workflowType}' AND TaskQueue='${q.taskQueue}' AND ` +
    `StartTime >= '${q.since.toISOString()}' AND ExecutionStatus != 'Running'`;
  let runs: UserRun[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    runs = [];
    for await (const w of client.workflow.list({ query, pageSize: 1000 })) {
      if (!w.closeTime) continue;
      runs.push({ workflowId: w.workflowId, runId: w.runId, latencyMs: w.closeTime.getTime() - w.startTime.getTime() });
    }
    if (runs.length >= q.expected) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return runs;
}

/**
 * Mean history length of a random sample of `sample` runs. Random, not every k-th: changed users
 * are every 10th user id, so a regular stride can pick only changed or only unchanged users.
 */
export async function historyEventsPerUser(client: Client, runs: readonly UserRun[], sample: number): Promise<number> {
  if (runs.length === 0) return 0;
  const picked = shuffled(runs).slice(0, sample);
  let events = 0;
  for (const run of picked) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    events += history.events?.length ?? 0;
  }
  return events / picked.length;
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Audit entries (ticket log) written at or after `sinceSec`, per user id. */
export async function auditEntriesByUser(mongo: Connection, sinceSec: number): Promise<Map<number, number>> {
  const rows = await mongo
    .db!.collection(TICKET_LOG_COLLECTION)
    .find({ timestamp: { $gte: sinceSec } }, { projection: { _id: 0, user_id: 1 } })
    .toArray();
  const byUser = new Map<number, number>();
  for (const row of rows) byUser.set(Number(row['user_id']), (byUser.get(Number(row['user_id'])) ?? 0) + 1);
  return byUser;
}

/** Sum of `counts` over `userIds`, divided by their number. */
export function perUser(
  counts: ReadonlyMap<number, number> | Record<number, number>,
  userIds: readonly number[],
): number {
  if (userIds.length === 0) return 0;
  const get = (id: number) => (counts instanceof Map ? counts.get(id) : (counts as Record<number, number>)[id]) ?? 0;
  return userIds.reduce((sum, id) => sum + get(id), 0) / userIds.length;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
