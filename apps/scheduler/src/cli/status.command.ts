import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { TicketCacheRepository, connectMongo } from '@btc/data';
import { OUTCOME_KEY, refreshWorkflowId } from '@btc/workflows';
import type { SchedulerConfig } from '../config';
import { parseUserId, printJson, withTemporal, workflowUrl } from './context';

export function registerStatusCommand(program: Command, config: () => SchedulerConfig): void {
  program
    .command('status <userId>')
    .description("a user's cache age, pass counts, last refresh outcome and a link to the run")
    .action(async (userIdArg: string) => {
      const userId = parseUserId(userIdArg);
      const mongo = await connectMongo(config().mongoUrl);
      try {
        const cache = await new TicketCacheRepository(mongo).findByUserId({ userId });
        const now = Math.floor(Date.now() / 1000);
        const lastRun = await withTemporal(config(), async (client) => {
          try {
            const d = await client.workflow.getHandle(refreshWorkflowId(userId)).describe();
            return {
              status: d.status.name,
              outcome: d.typedSearchAttributes.get(OUTCOME_KEY) ?? null,
              startTime: d.startTime.toISOString(),
              closeTime: d.closeTime?.toISOString() ?? null,
              url: workflowUrl(config(), d.workflowId, d.runId),
            };
          } catch (error) {
            if (error instanceof WorkflowNotFoundError) return null;
            throw error;
          }
        });
        printJson({
          userId,
          cache: cache
            ? {
                ageSeconds: now - cache.timestamp,
                stale: now - cache.timestamp >= config().ttlSeconds,
                passes: cache.passes.length,
                passes4: cache.passes4.length,
                freeTickets: [...cache.passes, ...cache.passes4].filter((p) => p.free_ticket_status === 1).length,
              }
            : null,
          lastRefresh: lastRun,
        });
      } finally {
        await mongo.close();
      }
    });
}
