import { log } from '@temporalio/activity';
import type { UserPurge } from '@btc/data';
import type { PurgeActivities } from '@btc/workflows';

export interface PurgeActivityDeps {
  userPurge: UserPurge;
}

export function createPurgeActivities(deps: PurgeActivityDeps): PurgeActivities {
  return {
    async purgeUserCache({ userId, purgeRef }) {
      const { tombstone, removed } = await deps.userPurge.purge({ userId, purgeRef });
      log.info('Purged a deleted rider', { userId, ...removed });
      return { purgedAt: tombstone.purgedAt, removed };
    },
  };
}
