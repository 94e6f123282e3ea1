import { Command } from 'commander';
import { formatError, knownSecrets, loadConfig } from '@btc/config';
import { MIGRATION_CONFIG_SECTIONS } from './config';
import { addMigrateCommands } from './migrate-commands';

/** `npm run migrate -- up | down [--to <name|0>] [--yes] | status`, configured by MYSQL_URL / MONGO_URL / NODE_ENV. */
const secrets = knownSecrets(process.env);
// A rollout sends SIGTERM, then SIGKILL after its grace: finish the migration that runs, start no other.
// A second signal is not caught: it stops the process at once.
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    process.stderr.write(`${signal}: finishing the migration that runs, then stopping\n`);
    stop.abort(signal);
  });
}
const program = new Command('migrate').description('MySQL migrations and MongoDB index setup');
addMigrateCommands(program, {
  config: () => loadConfig(process.env, MIGRATION_CONFIG_SECTIONS),
  secrets,
  signal: stop.signal,
});

program.parseAsync(process.argv).catch((error: unknown) => {
  // Commander's own errors (unknown command, bad option) land here; migrate failures are printed by the commands.
  process.stderr.write(`${formatError(error, { secrets }).join('\n')}\n`);
  process.exitCode = 1;
});
