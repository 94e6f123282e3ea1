import type { ChaosEnvironment, Log } from './environment';
import type { Population } from './population';
import { applyChanges, applyChaosOnlyState, breakAccounts, copyToReference, makeStale, seedAndBuild } from './prepare';
import { runReference, type ReferenceRun } from './reference-run';
import { snapshotDatabases, type DatabaseSnapshot } from './snapshot';

export interface StartingState {
  /** When the caches were made stale: the sweeps' effects are those since. */
  startSec: number;
  /** The chaos databases before the chaos sweep. */
  beforeSweep: DatabaseSnapshot;
  /** The clean run, and what it left in the reference databases: what the sweeps must end up having written. */
  reference: ReferenceRun;
  referenceSnapshot: DatabaseSnapshot;
}

/**
 * The same starting state in both sets of databases (`prepare.ts`), the clean run on the reference
 * set, then what only the chaos databases get (unreadable tokens, expired sessions, queue rows).
 */
export async function prepareStartingState(
  env: ChaosEnvironment,
  population: Population,
  seed: number,
  log: Log,
): Promise<StartingState> {
  await seedAndBuild(env, population, log);
  await breakAccounts(env, population);
  await copyToReference(env);
  await applyChanges(env, population, seed);
  const startSec = await makeStale(env);
  const beforeSweep = await snapshotDatabases(env.chaos, startSec);
  const reference = await runReference(env, population, log);
  const referenceSnapshot = await snapshotDatabases(env.reference, startSec);
  await applyChaosOnlyState(env, population);
  return { startSec, beforeSweep, reference, referenceSnapshot };
}
