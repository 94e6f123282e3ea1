import type { Command } from 'commander';
import { ConfigError, loadConfig } from '@btc/config';
import { HOURLY_SCHEDULE_ID, REFRESH_QUEUE_SCHEDULE_ID, TICKET_CACHE_TASK_QUEUE } from '@btc/workflows';
import { DOCTOR_CONFIG_SECTIONS, formatDoctor, runDoctor, type DoctorCheck } from './doctor-checks';
import { EXIT, outputOf } from './output';

/**
 * `doctor`: is this deployment able to work? Configuration, Temporal (namespace, search attributes,
 * schedules, workers polling both task queues), MySQL (migrations, the token key against a stored row,
 * capacity), MongoDB (indexes) and the Bytemark API, one `ok`/`FAIL` line each with the fix. Exit code
 * 3 when any check fails. Reads only. With --json: `{ ok, checks, capacity }`.
 */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check configuration, Temporal, workers, schedules, MySQL, MongoDB, the token key, capacity and Bytemark (exit 3 if one fails)',
    )
    .action(async (_opts: object, command: Command) => {
      let checks: DoctorCheck[];
      try {
        const config = loadConfig(process.env, DOCTOR_CONFIG_SECTIONS);
        const scheduleIds = [HOURLY_SCHEDULE_ID, REFRESH_QUEUE_SCHEDULE_ID];
        checks = [
          { name: 'config', ok: true, detail: 'environment valid' },
          ...(await runDoctor(config, { taskQueue: TICKET_CACHE_TASK_QUEUE, scheduleIds })),
        ];
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        checks = [
          {
            name: 'config',
            ok: false,
            detail: error.problems.map((p) => `${p.variable}: ${p.problem}`).join('; '),
            fix: 'set the variables named here (.env.example lists them); nothing else was checked',
          },
        ];
      }
      const ok = checks.every((c) => c.ok);
      const capacity = checks.find((c) => c.capacity)?.capacity ?? null;
      outputOf(command).result(
        { ok, checks: checks.map(({ capacity: _capacity, ...check }) => check), capacity },
        formatDoctor(checks),
      );
      if (!ok) process.exitCode = EXIT.checkFailed;
    });
}
