import type { Command } from 'commander';
import { knownSecrets, loadConfig } from '@btc/config';
import { MIGRATION_CONFIG_SECTIONS, addMigrateCommands } from '@btc/migrations';

/**
 * `npm run cli -- migrate up|down|status`: the same commands, flags and output as `npm run migrate`
 * (one definition in @btc/migrations), configured by the same MYSQL_URL / MONGO_URL / NODE_ENV.
 */
export function registerMigrateCommand(program: Command): void {
  addMigrateCommands(
    program.command('migrate').description('MySQL migrations and MongoDB index setup (same as npm run migrate)'),
    { config: () => loadConfig(process.env, MIGRATION_CONFIG_SECTIONS), secrets: knownSecrets(process.env) },
  );
}
