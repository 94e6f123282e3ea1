/**
 * Drives the Bytemark faults of a campaign: the simulator holds one fault per route, so each route
 * gets its bursts one after the other, each released when the sweep has reached its point and the
 * route's previous burst is used up. Stopping clears every fault and counts what was injected.
 */
import type { SimulatorAdmin } from '@btc/bytemark-simulator';
import type { ApiBurst, BurstKind } from './fault-plan';

/** Requests answered with each kind of fault. */
export type FaultTally = Partial<Record<BurstKind, number>>;

export interface ApiFaultDriver {
  /** Clears every fault; returns the requests each kind reached. */
  stop(): Promise<FaultTally>;
}

export function startApiFaults(
  admin: SimulatorAdmin,
  bursts: readonly ApiBurst[],
  progress: () => number,
  onError: (error: unknown) => void,
): ApiFaultDriver {
  const queues = new Map<string, ApiBurst[]>();
  for (const b of bursts) queues.set(b.route, [...(queues.get(b.route) ?? []), b]);
  /** The burst each route holds now. */
  const active = new Map<string, ApiBurst>();
  const tally: FaultTally = {};
  const add = (kind: BurstKind, n: number) => (tally[kind] = (tally[kind] ?? 0) + n);
  let stopped = false;

  const tick = async () => {
    const current = await admin.faults();
    const share = progress();
    const release: Record<string, ApiBurst['spec']> = {};
    for (const [route, queue] of queues) {
      if (current[route]) continue;
      // The route's last burst is used up: count it whole.
      const done = active.get(route);
      if (done) add(done.kind, done.spec.times ?? 0);
      active.delete(route);
      const next = queue[0];
      if (next && next.at <= share) {
        queue.shift();
        active.set(route, next);
        release[route] = next.spec;
      }
    }
    if (Object.keys(release).length > 0) await admin.setFaults(release);
  };

  const loop = (async () => {
    while (!stopped) {
      await tick().catch(onError);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      const remaining = await admin.faults();
      await admin.clearFaults();
      for (const [route, burst] of active) {
        add(burst.kind, (burst.spec.times ?? 0) - (remaining[route]?.remaining ?? 0));
      }
      return tally;
    },
  };
}
