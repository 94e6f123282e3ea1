import type { StagingRepository } from '@btc/data';
import type { StagingActivities } from '@btc/workflows';

export function createStagingActivities(deps: { staging: StagingRepository }): StagingActivities {
  return {
    async discardStaging({ keys }) {
      await Promise.all(keys.map((key) => deps.staging.delete({ key })));
    },
  };
}
