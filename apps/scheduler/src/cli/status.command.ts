import type { Command } from 'commander';
import { isStale } from '@btc/activities';
import { TicketCacheRepository, TicketCacheStateRepository, connectMongo, createSequelize } from '@btc/data';
import { parseRefreshId } from '@btc/workflows';
import type { SchedulerConfig } from '../config';
import { formatCapacity, readCapacity } from './capacity';
import { parseUserId, workflowUrl } from './context';
import { outputOf } from './output';

/**
 * `status`: the service's capacity (token users, the refreshes per hour the rate limit allows, the
 * oldest cache, an operator's pause, the last sweep). `status <userId>`: the user's cache (age,
 * passes, free tickets) and the outcome of the last refresh from its refresh state, with a link to
 * the run holding it: the hourly batch (whose activity `user-<id>` has the result) or the per-user run.
 */
export function registerStatusCommand(program: Command, config: () => SchedulerConfig): void {
  program
    .command('status [userId]')
    .description(
      "capacity: token users, refreshes per hour the rate limit allows, the oldest cache; with a user id, that user's cache and last refresh",
    )
    .action(async (userIdArg: string | undefined, _opts: object, command: Command) => {
      const out = outputOf(command);
      if (userIdArg === undefined) {
        const sequelize = createSequelize(config().mysqlUrl, { logging: false });
        try {
          const capacity = await readCapacity(sequelize, {
            ttlSeconds: config().cache.ttlSeconds,
            configuredRps: config().bytemark.rateLimitRps,
          });
          out.result({ capacity }, formatCapacity(capacity));
        } finally {
          await sequelize.close();
        }
        return;
      }
      const userId = parseUserId(userIdArg);
      const sequelize = createSequelize(config().mysqlUrl, { logging: false });
      const mongo = await connectMongo(config().mongoUrl);
      try {
        const [cache, state] = await Promise.all([
          new TicketCacheRepository(mongo).findByUserId({ userId }),
          new TicketCacheStateRepository(sequelize).find(userId),
        ]);
        const now = Math.floor(Date.now() / 1000);
        const run = state ? parseRefreshId(state.runRef) : null;
        out.result({
          userId,
          cache: cache
            ? {
                ageSeconds: now - cache.timestamp,
                // The activities' rule (TTL minus grace), so `stale: true` means the next hourly sweep refreshes it.
                stale: isStale(cache.timestamp, now, config().cache),
                passes: cache.passes.length,
                passes4: cache.passes4.length,
                freeTickets: [...cache.passes, ...cache.passes4].filter((p) => p.free_ticket_status === 1).length,
                pendingEffects: cache.pending !== null,
              }
            : null,
          lastRefresh: state
            ? {
                outcome: state.outcome,
                trigger: state.trigger,
                checkedAt: new Date(state.checkedAt * 1000).toISOString(),
                lastSuccessAt: state.refreshedAt === null ? null : new Date(state.refreshedAt * 1000).toISOString(),
                // A dead account: how many logins Bytemark refused in a row, and when the sweep tries it again.
                ...(state.authFailures > 0
                  ? {
                      failedLoginsInARow: state.authFailures,
                      nextAttemptAt: new Date(state.nextDueAt * 1000).toISOString(),
                    }
                  : {}),
                run: run ?? state.runRef,
                url: run ? workflowUrl(config(), run.workflowId, run.runId) : null,
              }
            : null,
        });
      } finally {
        await Promise.allSettled([sequelize.close(), mongo.close()]);
      }
    });
}
