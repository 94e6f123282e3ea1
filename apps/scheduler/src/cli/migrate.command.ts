import type { Command } from 'commander';
import { migrateDown, migrateUp } from '@btc/migrations';
import type { SchedulerConfig } from '../config';

export function registerMigrateCommand(program: Command, config: () => SchedulerConfig): void {
  program
    .command('migrate')
    .description('apply pending MySQL migrations and the MongoDB index setup (the only way the schema changes)')
    .option('--down [to]', 'revert migrations (to the given name, or all with 0)')
    .action(async (opts: { down?: string | boolean }) => {
      const { mysqlUrl, mongoUrl } = config();
      if (opts.down !== undefined) {
        const to = opts.down === true ? undefined : opts.down === '0' ? 0 : (opts.down as string);
        const reverted = await migrateDown({ mysqlUrl, to });
        console.log(reverted.length ? `reverted: ${reverted.join(', ')}` : 'nothing to revert');
        return;
      }
      const applied = await migrateUp({ mysqlUrl, mongoUrl });
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date');
    });
}
