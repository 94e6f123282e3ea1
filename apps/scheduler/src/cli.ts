import { Command } from 'commander';
import { TemporalConnectionError, formatError, knownSecrets, loadConfig } from '@btc/config';
import { CLI_CONFIG_SECTIONS, TOKEN_CONFIG_SECTIONS, type SchedulerConfig, type TokenConfig } from './config';
import { registerAnalyticsCommand } from './cli/analytics.command';
import { registerCacheCommands } from './cli/cache.command';
import { CliError } from './cli/context';
import { registerDoctorCommand } from './cli/doctor.command';
import { registerMigrateCommand } from './cli/migrate.command';
import { registerQueueCommands } from './cli/queue.command';
import { registerRefreshCommands } from './cli/refresh.command';
import { registerScheduleCommands } from './cli/schedule.command';
import { registerStatusCommand } from './cli/status.command';
import { registerTokensCommands } from './cli/tokens.command';

/** The operator CLI: `npm run cli -- <command>`. */
export function buildCli(): Command {
  let loaded: SchedulerConfig | undefined;
  const config = () => (loaded ??= loadConfig(process.env, CLI_CONFIG_SECTIONS));
  let keys: TokenConfig | undefined;
  const tokenConfig = () => (keys ??= loadConfig(process.env, TOKEN_CONFIG_SECTIONS));
  const program = new Command('cli')
    .description('Operate the Bytemark ticket cache: schedules, refreshes, status, tokens, migrations, analytics')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerScheduleCommands(program, config);
  registerRefreshCommands(program, config);
  registerStatusCommand(program, config);
  registerTokensCommands(program, config, tokenConfig);
  registerMigrateCommand(program);
  registerAnalyticsCommand(program, config);
  registerCacheCommands(program, config);
  registerDoctorCommand(program);
  registerQueueCommands(program, config);
  return program;
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      // A CliError says what to do; anything else goes through the one error serializer (no SQL, no config).
      const lines =
        error instanceof CliError ? [error.message] : formatError(error, { secrets: knownSecrets(process.env) });
      console.error(`error: ${lines.join('\n')}`);
      process.exitCode = 1;
      // grpc-js goes on retrying a failed connection until its deadline, even once closed: exit now, not then.
      if (error instanceof CliError && error.cause instanceof TemporalConnectionError) process.exit();
    });
}
