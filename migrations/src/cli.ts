import { Command } from 'commander';
import pino from 'pino';
import { readMigrationConfig } from './config';
import { migrateDown, migrateUp, migrationStatus } from './migrator';

/** `npm run migrate -- up | down [--to <name|0>] | status`, configured by MYSQL_URL / MONGO_URL. */
const logger = pino({ base: { component: 'migrate' }, level: process.env['LOG_LEVEL'] ?? 'info' });
const out = (line: string) => process.stdout.write(`${line}\n`);

const program = new Command('migrate').description('MySQL migrations and MongoDB index setup');

program
  .command('up')
  .description('apply pending MySQL migrations, then ensure MongoDB indexes')
  .action(async () => {
    const config = readMigrationConfig(process.env);
    const applied = await migrateUp({ ...config, logger });
    out(applied.length ? `applied: ${applied.join(', ')}` : 'MySQL schema up to date');
    out('MongoDB indexes ensured');
  });

program
  .command('down')
  .description('revert the last migration, or down to (and including) --to; --to 0 reverts all')
  .option('--to <name>', 'migration name to revert down to (inclusive), or 0 for all')
  .action(async (opts: { to?: string }) => {
    const { mysqlUrl } = readMigrationConfig(process.env);
    const to = opts.to === undefined ? undefined : opts.to === '0' ? 0 : opts.to;
    const reverted = await migrateDown({ mysqlUrl, to, logger });
    out(reverted.length ? `reverted: ${reverted.join(', ')}` : 'nothing to revert');
  });

program
  .command('status')
  .description('list executed and pending migrations')
  .action(async () => {
    const { mysqlUrl } = readMigrationConfig(process.env);
    const { executed, pending } = await migrationStatus({ mysqlUrl });
    for (const name of executed) out(`up       ${name}`);
    for (const name of pending) out(`pending  ${name}`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  logger.error({ err: error }, error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
