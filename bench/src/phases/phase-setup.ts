/**
 * What every measured phase starts from: all caches stale (refreshed two hours back, in the refresh
 * state the sweep reads and in the cache documents the baseline reads), a share of
 * users with one modified pass in the simulator, the phase's latency and rate limit, fresh counters.
 */
import { TICKET_CACHE_COLLECTION, TICKET_CACHE_STATE_TABLE } from '@btc/data';
import { forEachLimit } from '@btc/tools';
import type { BenchEnvironment } from '../environment';
import { isChangedIndex } from '../changed-users';
import type { BenchOptions } from '../options';

export interface PhaseStart {
  /** Unix seconds; every audit entry written in the phase has a timestamp at or after it. */
  startSec: number;
  startedAt: Date;
  changed: Set<number>;
}

/** `fraction` of `userIds`, spread evenly, shifted by `shift` so each phase changes other users. */
export function pickChangedUsers(userIds: readonly number[], fraction: number, shift: number): Set<number> {
  const picked = new Set<number>();
  userIds.forEach((_, i) => {
    if (isChangedIndex(i, fraction)) picked.add(userIds[(i + shift) % userIds.length]!);
  });
  return picked;
}

export async function startPhase(
  env: BenchEnvironment,
  options: BenchOptions,
  userIds: readonly number[],
  shift: number,
): Promise<PhaseStart> {
  await env.admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
  const changed = pickChangedUsers(userIds, options.changedFraction, shift);
  const stamp = new Date().toISOString();
  await forEachLimit([...changed], 8, async (userId) => {
    const [pass] = await env.admin.passes(userId);
    if (pass) await env.admin.modifyPass(userId, pass.uuid, { time_modified: stamp, label_name: `bench ${stamp}` });
  });
  // Start on a fresh second so earlier audit entries (timestamps in seconds) are never counted.
  await new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));
  const startSec = Math.floor(Date.now() / 1000);
  await env.dependencies.mongo
    .db!.collection(TICKET_CACHE_COLLECTION)
    .updateMany({}, { $set: { timestamp: startSec - 7200 } });
  await env.dependencies.sequelize.query(`UPDATE ${TICKET_CACHE_STATE_TABLE} SET refreshed_at = ?, next_due_at = ?`, {
    replacements: [startSec - 7200, startSec - 7200],
  });
  await env.admin.setSettings({ latency: { fixedMs: options.latencyMs, jitterMs: 0 }, rateLimitRps: options.rate });
  await env.admin.resetCounters();
  return { startSec, startedAt: new Date(), changed };
}
