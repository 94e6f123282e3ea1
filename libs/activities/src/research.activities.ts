import { StagingMissingError, type PassInteractionRepository, type StagingRepository } from '@btc/data';
import type { ResearchActivities } from '@btc/workflows';

export interface ResearchActivityDeps {
  interactions: PassInteractionRepository;
  staging: StagingRepository;
}

/** Rejects listed in the result (all are counted); the rest are in the activity's log. */
const MAX_REPORTED_REJECTS = 100;

/**
 * `ingestPassInteractions`: invalid rows come back as rejects with reasons; a database failure is
 * never a reject. It throws (`TransientDatabaseError`, `DatabaseOperationError` from `@btc/data`) and
 * the batch, rolled back as a whole, runs again on the activity's retry.
 */
export function createResearchActivities(deps: ResearchActivityDeps): ResearchActivities {
  const { interactions, staging } = deps;
  return {
    async ingestPassInteractions({ rows, stagingKey }) {
      const batch = rows ?? (stagingKey ? await staging.get({ key: stagingKey }) : null);
      if (batch === null) {
        throw new StagingMissingError(String(stagingKey));
      }
      const report = await interactions.logBatch(batch);
      return {
        inserted: report.inserted,
        duplicates: report.duplicates.length,
        rejected: report.rejected.length,
        rejects: report.rejected.slice(0, MAX_REPORTED_REJECTS).map(({ index, reason }) => ({ index, reason })),
      };
    },
  };
}
