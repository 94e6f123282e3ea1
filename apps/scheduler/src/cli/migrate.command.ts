import type { Command } from 'commander';
import { knownSecrets, loadConfig } from '@btc/config';
import { MIGRATION_CONFIG_SECTIONS, addMigrateCommands } from '@btc/migrations';
import { outputOf } from './output';

/**
 * `npm run cli -- migrate up|down|status`: the same commands, flags and output as `npm run migrate`
 * (one definition in @btc/migrations), configured by the same MYSQL_URL / MONGO_URL / NODE_ENV.
 * With --json, their report lines come as one document, `{ command, ok, lines }`; errors stay on stderr.
 */
export function registerMigrateCommand(program: Command): void {
  let collected: string[] | null = null;
  const migrate = program
    .command('migrate')
    .description('MySQL migrations and MongoDB index setup (same as npm run migrate)')
    .hook('preAction', (_migrate, action) => {
      collected = outputOf(action).json ? [] : null;
    })
    .hook('postAction', (_migrate, action) => {
      if (collected === null) return;
      const ok = process.exitCode === undefined || process.exitCode === 0;
      outputOf(action).result({ command: action.name(), ok, lines: collected });
    });
  addMigrateCommands(migrate, {
    config: () => loadConfig(process.env, MIGRATION_CONFIG_SECTIONS),
    secrets: knownSecrets(process.env),
    out: (line) => (collected ? collected.push(line) : console.log(line)),
    err: (line) => console.error(line),
  });
}
