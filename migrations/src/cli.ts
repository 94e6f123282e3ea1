import { Command } from 'commander';
import { formatError, knownSecrets, loadConfig } from '@btc/config';
import { MIGRATION_CONFIG_SECTIONS } from './config';
import { addMigrateCommands } from './migrate-commands';

/** `npm run migrate -- up | down [--to <name|0>] [--yes] | status`, configured by MYSQL_URL / MONGO_URL / NODE_ENV. */
const secrets = knownSecrets(process.env);
const program = new Command('migrate').description('MySQL migrations and MongoDB index setup');
addMigrateCommands(program, { config: () => loadConfig(process.env, MIGRATION_CONFIG_SECTIONS), secrets });

program.parseAsync(process.argv).catch((error: unknown) => {
  // Commander's own errors (unknown command, bad option) land here; migrate failures are printed by the commands.
  process.stderr.write(`${formatError(error, { secrets }).join('\n')}\n`);
  process.exitCode = 1;
});
