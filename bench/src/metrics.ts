/** Measurements shared by the phases: percentiles, Bytemark calls, audit entries. */
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
