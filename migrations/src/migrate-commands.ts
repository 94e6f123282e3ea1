import type { Command } from 'commander';
import { formatError } from '@btc/config';
import {
  formatConflictEnd,
  formatDownPlan,
  formatExecuted,
  formatKnex,
  formatUpPlan,
  formatUpSteps,
} from './adoption/format-plan';
import type { MigrationConfig } from './config';
import {
  DownNotConfirmedError,
  MigrationInterruptedError,
  ProductionDropRefusedError,
  SchemaConflictError,
} from './errors';
import { migrateDown, migrateUp, migrationStatus } from './migrator';

export interface MigrateCommandsOptions {
  /** Read when a command runs (so `--help` needs no environment). */
  config: () => MigrationConfig;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Values removed from printed errors besides URL credentials: `knownSecrets(process.env)`. */
  secrets?: readonly string[];
  /** Aborted with the signal's name on SIGTERM/SIGINT: `up` and `down` finish the running migration and stop. */
  signal?: AbortSignal;
}

/** The exit code of a run stopped by a signal, as a shell reports it (128 + the signal's number). */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

function findInChain<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof type) return e;
  }
  return undefined;
}

/**
 * The one definition of the migrate commands (`up`, `down`, `status`), added to `parent`: the
 * `npm run migrate` CLI and the operator CLI's `migrate` both call it, so flags and output are the
 * same. Failures are printed (type, message, cause chain; never a connection config) and set a
 * non-zero exit code.
 */
export function addMigrateCommands(parent: Command, opts: MigrateCommandsOptions): Command {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = opts.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const each = (lines: string[], write: (line: string) => void) => lines.forEach((l) => write(l));

  const fail = (command: string, error: unknown) => {
    process.exitCode = 1;
    const conflict = findInChain(error, SchemaConflictError);
    if (conflict) {
      each(formatUpPlan(conflict.plan), out);
      each(formatConflictEnd(conflict.plan), err);
      return;
    }
    const unconfirmed = findInChain(error, DownNotConfirmedError);
    if (unconfirmed) {
      each(formatDownPlan(unconfirmed.plan), out);
      err('Nothing was reverted: run again with --yes to revert these migrations.');
      return;
    }
    const interrupted = findInChain(error, MigrationInterruptedError);
    if (interrupted) {
      process.exitCode = SIGNAL_EXIT[interrupted.signal] ?? 1;
      err(interrupted.message);
      return;
    }
    const refused = findInChain(error, ProductionDropRefusedError);
    if (refused) {
      err(refused.message);
      return;
    }
    err(`migrate ${command} failed:`);
    each(
      formatError(error, { secrets: opts.secrets ?? [] }).map((l) => `  ${l}`),
      err,
    );
  };
  const guarded =
    <A extends unknown[]>(command: string, action: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      try {
        await action(...args);
      } catch (error) {
        fail(command, error);
      }
    };

  parent
    .command('up')
    .description(
      'apply pending MySQL migrations (adopting existing tables that match, stopping before any change when one differs), then ensure MongoDB indexes',
    )
    .action(
      guarded('up', async () => {
        const { mysqlUrl, mongoUrl } = opts.config();
        const applied = await migrateUp({
          mysqlUrl,
          mongoUrl,
          onPlan: (plan) => each(formatUpPlan(plan), out),
          onProgress: out,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        out(
          applied.length ? `MySQL: ${applied.length} migration(s) recorded as executed.` : 'MySQL schema up to date.',
        );
        out('MongoDB indexes ensured.');
      }),
    );

  parent
    .command('down')
    .description(
      'revert the last migration, or down to (and including) --to; --to 0 reverts all. Needs --yes; adopted tables are never dropped',
    )
    .option('--to <name>', 'migration name to revert down to (inclusive), or 0 for all')
    .option('--yes', 'really revert (without it: print what would be reverted and exit non-zero)')
    .action(
      guarded('down', async (o: { to?: string; yes?: boolean }) => {
        const { mysqlUrl, production } = opts.config();
        const to = o.to === undefined ? undefined : o.to === '0' ? 0 : o.to;
        const reverted = await migrateDown({
          mysqlUrl,
          to,
          confirmed: o.yes === true,
          production,
          onPlan: (plan) => each(formatDownPlan(plan), out),
          onProgress: out,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        out(reverted.length ? `Reverted ${reverted.length} migration(s).` : 'Nothing to revert.');
      }),
    );

  parent
    .command('status')
    .description('list executed migrations, and what up would do with each pending one (changes nothing)')
    .action(
      guarded('status', async () => {
        const { mysqlUrl } = opts.config();
        const status = await migrationStatus({ mysqlUrl });
        if (!status.plan) {
          out(`MySQL database does not exist yet: 'up' creates it and runs all ${status.pending.length} migrations.`);
          return;
        }
        each([`MySQL database ${status.plan.database}`, ...formatKnex(status.plan)], out);
        each(formatExecuted(status.plan), out);
        each(formatUpSteps(status.plan), out);
      }),
    );

  return parent;
}
