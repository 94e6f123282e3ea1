import type { Command } from 'commander';
import { ScheduleNotFoundError } from '@temporalio/client';
import { HOURLY_SCHEDULE_ID, REFRESH_QUEUE_SCHEDULE_ID, TICKET_CACHE_TASK_QUEUE } from '@btc/workflows';
import {
  allSchedules,
  deleteScheduleIfPresent,
  ensureSchedule,
  ensureSearchAttributes,
  SearchAttributesMissingError,
  triggerNow,
} from '@btc/schedules';
import type { SchedulerConfig } from '../config';
import { confirmDestructive } from './confirm';
import { CliError, UsageError, withTemporal } from './context';
import { outputOf } from './output';

const IDS = [HOURLY_SCHEDULE_ID, REFRESH_QUEUE_SCHEDULE_ID];

function scheduleIdOption(value: string): string {
  if (!IDS.includes(value)) throw new UsageError(`unknown schedule "${value}"; known: ${IDS.join(', ')}`);
  return value;
}

function parseDate(value: string, name: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${name} must be an ISO date/time, got "${value}"`);
  return date;
}

export function registerScheduleCommands(program: Command, config: () => SchedulerConfig): void {
  const schedule = program
    .command('schedule')
    .description('manage the Temporal Schedules (hourly sweep, refresh-log queue)');
  const idOption = [
    '--id <scheduleId>',
    `schedule id (${IDS.join(' | ')})`,
    scheduleIdOption,
    HOURLY_SCHEDULE_ID,
  ] as const;

  schedule
    .command('ensure')
    .description('create or update both schedules and register missing search attributes (safe to repeat)')
    .action((_opts: object, command: Command) =>
      withTemporal(config(), async (client) => {
        const searchAttributesAdded = await ensureSearchAttributes(client, config().temporal.namespace).catch(
          (error: unknown) => {
            // Temporal Cloud: the message is the tcld command and the Terraform resources that add them.
            if (error instanceof SearchAttributesMissingError) throw new CliError(error.message);
            throw error;
          },
        );
        const schedules: Record<string, 'created' | 'updated'> = {};
        for (const options of allSchedules({
          taskQueue: TICKET_CACHE_TASK_QUEUE,
          maxInFlight: config().sweepMaxInFlight,
        })) {
          schedules[options.scheduleId] = await ensureSchedule(client, options);
        }
        outputOf(command).result({ searchAttributesAdded, schedules }, [
          ...(searchAttributesAdded.length
            ? [`registered search attributes: ${searchAttributesAdded.join(', ')}`]
            : []),
          ...Object.entries(schedules).map(([id, what]) => `${id}: ${what}`),
        ]);
      }),
    );

  schedule
    .command('describe')
    .option(...idOption)
    .description('print the schedule: spec, policies, state, recent and next runs')
    .action((opts: { id: string }, command: Command) =>
      withTemporal(config(), async (client) => {
        const d = await client.schedule.getHandle(opts.id).describe().catch(notFound(opts.id));
        outputOf(command).result({
          scheduleId: d.scheduleId,
          spec: d.spec,
          policies: d.policies,
          state: d.state,
          action: {
            workflowType: d.action.workflowType,
            workflowId: d.action.workflowId,
            taskQueue: d.action.taskQueue,
          },
          recentActions: d.info.recentActions.slice(-5),
          nextActionTimes: d.info.nextActionTimes.slice(0, 3),
        });
      }),
    );

  for (const verb of ['pause', 'unpause', 'trigger'] as const) {
    schedule
      .command(verb)
      .option(...idOption)
      .option('--note <text>', 'why (pause/unpause)')
      .description(verb === 'trigger' ? 'start the scheduled action now' : `${verb} the schedule`)
      .action((opts: { id: string; note?: string }, command: Command) =>
        withTemporal(config(), async (client) => {
          const out = outputOf(command);
          if (verb === 'trigger') {
            await triggerNow(client, opts.id).catch(notFound(opts.id));
            out.result({ scheduleId: opts.id, done: 'triggered' }, [
              `${opts.id}: triggered (nothing starts while its last action is still running)`,
            ]);
          } else {
            await client.schedule.getHandle(opts.id)[verb](opts.note).catch(notFound(opts.id));
            out.result({ scheduleId: opts.id, done: `${verb}d`, note: opts.note ?? null }, [`${opts.id}: ${verb}d`]);
          }
        }),
      );
  }

  schedule
    .command('backfill')
    .option(...idOption)
    .requiredOption('--from <iso>', 'start of the period to backfill')
    .requiredOption('--to <iso>', 'end of the period to backfill')
    .description('run the actions the schedule would have run between --from and --to')
    .action((opts: { id: string; from: string; to: string }, command: Command) => {
      const start = parseDate(opts.from, '--from');
      const end = parseDate(opts.to, '--to');
      if (end <= start) throw new UsageError('--to must be after --from');
      return withTemporal(config(), async (client) => {
        await client.schedule.getHandle(opts.id).backfill([{ start, end }]).catch(notFound(opts.id));
        outputOf(command).result({ scheduleId: opts.id, backfill: { from: start, to: end } }, [
          `${opts.id}: backfill requested for ${start.toISOString()} .. ${end.toISOString()}`,
        ]);
      });
    });

  schedule
    .command('delete')
    .option(...idOption)
    .option('--yes', 'delete without asking')
    .description('delete the schedule if present (asks first on a terminal; --yes in scripts)')
    .action(async (opts: { id: string; yes?: boolean }, command: Command) => {
      await confirmDestructive(`delete the schedule ${opts.id} (no sweep runs until \`schedule ensure\`)`, opts);
      await withTemporal(config(), async (client) => {
        const deleted = await deleteScheduleIfPresent(client, opts.id);
        outputOf(command).result({ scheduleId: opts.id, deleted }, [
          `${opts.id}: ${deleted ? 'deleted' : 'not present'}`,
        ]);
      });
    });
}

function notFound(id: string) {
  return (error: unknown): never => {
    if (error instanceof ScheduleNotFoundError)
      throw new CliError(`schedule ${id} does not exist; run \`npm run cli -- schedule ensure\``);
    throw error;
  };
}
