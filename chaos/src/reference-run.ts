/**
 * The clean run: every user refreshed once, in this process, with the real refresh activity, against
 * the reference databases (a copy of the chaos databases' starting state) and the same simulator,
 * with no fault. What it writes (audit entries, free-ticket rows) is what the sweep under faults
 * must end up having written, once each.
 */
import type { ChaosEnvironment, Log } from './environment';
import type { Population } from './population';
import { forEachLimit } from '@btc/tools';
import { refreshInProcess } from './prepare';

export interface ReferenceRun {
  /** Each user's outcome (`failed: <error>` if the clean run failed, which it never should). */
  outcomes: Map<number, string>;
  durationMs: number;
}

export async function runReference(env: ChaosEnvironment, population: Population, log: Log): Promise<ReferenceRun> {
  await env.admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
  const t0 = performance.now();
  const outcomes = new Map<number, string>();
  await forEachLimit(population.userIds, 8, async (userId) => {
    try {
      const summary = await refreshInProcess(env.reference, {
        userId,
        mode: 'if-stale',
        trigger: 'hourly',
        refreshId: `chaos-reference/${userId}`,
      });
      outcomes.set(userId, summary.outcome);
    } catch (error) {
      outcomes.set(userId, `failed: ${error instanceof Error ? error.name : String(error)}`);
    }
  });
  const durationMs = performance.now() - t0;
  log(`reference: ${outcomes.size} users refreshed without faults in ${(durationMs / 1000).toFixed(1)} s`);
  return { outcomes, durationMs };
}
