/**
 * When each fault of a campaign fires (pure, from the seed). Bytemark faults are bursts set on one
 * route of the simulator (`times` requests, whichever users make them); infrastructure faults fire when
 * the sweep has reached a share of its users, at random points spread over the sweep.
 */
import type { ApiRoute, FaultSpec } from '@btc/bytemark-simulator';
import { Prng } from './prng';

export type BurstKind = '5xx' | '429' | 'hang' | 'malformed-json' | 'truncated-body' | 'missing-pass-array';

export interface ApiBurst {
  kind: BurstKind;
  route: ApiRoute;
  /** The simulator fault, `times` included. */
  spec: FaultSpec;
  /** Released once this share of the sweep's users has been reached (0..1). */
  at: number;
}

export type InfraKind = 'worker-kill' | 'ferretdb-restart' | 'mysql-kill' | 'queue-run';

export interface InfraEvent {
  kind: InfraKind;
  /** Fires once this share of the sweep's users has been reached (0..1). */
  at: number;
}

export interface FaultPlan {
  bursts: ApiBurst[];
  events: InfraEvent[];
}

export interface FaultPlanInput {
  users: number;
  seed: number;
  /** Requests each burst kind reaches, as a share of users. */
  faultShare: number;
  workerKills: number;
  ferretRestarts: number;
  mysqlKillRounds: number;
}

/** How long a hung request holds its socket before the simulator drops it. */
export const HANG_MS = 5000;

const PASS_ROUTES: readonly ApiRoute[] = ['GET /passes', 'GET /v4.0/passes'];

/** Requests per burst, and the fault each kind sets. */
const BURSTS: Record<BurstKind, { size: number; spec: (rng: Prng) => FaultSpec }> = {
  '5xx': { size: 10, spec: (rng) => ({ errorRate: 1, errorStatus: rng.pick([500, 502, 503, 504] as const) }) },
  '429': { size: 5, spec: (rng) => ({ rate429: { retryAfterSeconds: 1 + rng.int(3) } }) },
  hang: { size: 2, spec: () => ({ hang: { ms: HANG_MS } }) },
  'malformed-json': { size: 3, spec: () => ({ malformedJson: true }) },
  'truncated-body': { size: 3, spec: () => ({ truncatedBody: true }) },
  'missing-pass-array': { size: 3, spec: () => ({ missingPassArray: true }) },
};

/** `count` points in [lo, hi]: one uniformly in each of `count` equal strata (random, yet spread out). */
export function spreadPoints(count: number, lo: number, hi: number, rng: Prng): number[] {
  const width = (hi - lo) / Math.max(1, count);
  return Array.from({ length: count }, (_, i) => lo + width * (i + rng.next()));
}

export function planFaults(input: FaultPlanInput): FaultPlan {
  const rng = new Prng(input.seed * 104729 + 3);
  const requests = Math.max(1, Math.round(input.users * input.faultShare));
  const unplaced: Array<Omit<ApiBurst, 'at'>> = [];
  for (const [kind, { size, spec }] of Object.entries(BURSTS) as Array<[BurstKind, (typeof BURSTS)[BurstKind]]>) {
    // Malformed bodies share the budget of one kind between their three forms.
    const budget =
      kind.startsWith('malformed') || kind.startsWith('truncated') || kind.startsWith('missing')
        ? Math.max(1, Math.round(requests / 3))
        : requests;
    const bursts = Math.max(1, Math.round(budget / size));
    for (let i = 0; i < bursts; i++) {
      unplaced.push({ kind, route: PASS_ROUTES[i % PASS_ROUTES.length]!, spec: { ...spec(rng), times: size } });
    }
  }
  // Re-logins (expired sessions) meet a short 5xx burst too.
  unplaced.push({ kind: '5xx', route: 'POST /users/login', spec: { errorRate: 1, errorStatus: 503, times: 2 } });
  const shuffled = rng.shuffle(unplaced);
  const points = spreadPoints(shuffled.length, 0.01, 0.9, rng);
  const bursts = shuffled.map((b, i) => ({ ...b, at: points[i]! })).sort((a, b) => a.at - b.at);

  const events: InfraEvent[] = [
    ...spreadPoints(input.workerKills, 0.1, 0.85, rng).map((at) => ({ kind: 'worker-kill' as const, at })),
    ...spreadPoints(input.ferretRestarts, 0.2, 0.8, rng).map((at) => ({ kind: 'ferretdb-restart' as const, at })),
    ...spreadPoints(input.mysqlKillRounds, 0.05, 0.9, rng).map((at) => ({ kind: 'mysql-kill' as const, at })),
    { kind: 'queue-run' as const, at: 0.25 + rng.next() * 0.15 },
  ].sort((a, b) => a.at - b.at);
  return { bursts, events };
}
