import { Command, CommanderError } from 'commander';
import { TemporalConnectionError, formatError, knownSecrets, loadConfig } from '@btc/config';
import { version } from '../package.json';
import { CLI_CONFIG_SECTIONS, TOKEN_CONFIG_SECTIONS, type SchedulerConfig, type TokenConfig } from './config';
import { registerAnalyticsCommand } from './cli/analytics.command';
import { registerBytemarkCommands } from './cli/bytemark.command';
import { registerCacheCommands } from './cli/cache.command';
import { CliError } from './cli/context';
import { registerDoctorCommand } from './cli/doctor.command';
import { registerMigrateCommand } from './cli/migrate.command';
import { EXIT, EXIT_CODES_HELP } from './cli/output';
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
    .version(version, '-V, --version', 'print the version and exit')
    .option('--json', 'print the result as one JSON document on stdout; notes and progress go to stderr')
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', EXIT_CODES_HELP)
    // Usage errors throw (subcommands inherit this), so `runCli` gives them their own exit code.
    .exitOverride()
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
  registerBytemarkCommands(program, config);
  return program;
}

/** Set when the CLI failed to connect to Temporal: its process exits at once (see `runCli`). */
let exitAtOnce = false;

/**
 * Runs the CLI and returns its exit code (`EXIT`): a usage error is 2, a failure 1 (a `CliError`
 * says what to do; anything else goes through the one error serializer: no SQL, no config, no
 * secret), a failed check 3 (set by the command), else 0.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    // Commander printed the problem (or the help / the version) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const lines =
      error instanceof CliError ? [error.message] : formatError(error, { secrets: knownSecrets(process.env) });
    console.error(`error: ${lines.join('\n')}`);
    // grpc-js goes on retrying a failed connection until its deadline, even once closed: exit now, not then.
    exitAtOnce = error instanceof CliError && error.cause instanceof TemporalConnectionError;
    return error instanceof CliError ? error.exitCode : EXIT.error;
  }
}

if (require.main === module) {
  // A reader that stops early (`| head`) closes the pipe: that ends the output, it is not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  void runCli(process.argv).then((code) => {
    process.exitCode = code;
    if (exitAtOnce) process.exit();
  });
}
