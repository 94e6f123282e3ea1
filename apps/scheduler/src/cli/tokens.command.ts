import type { Command } from 'commander';
import { BytemarkTokensRepository, TokenCipher, createSequelize } from '@btc/data';
import { LOCAL_DEV_ENCRYPTION_KEY } from '@btc/config';
import type { SchedulerConfig } from '../config';

export function registerTokensCommands(program: Command, config: () => SchedulerConfig): void {
  program
    .command('tokens')
    .description('Bytemark token maintenance')
    .command('encrypt-legacy')
    .description('encrypt plaintext token/password rows in place; prints what it would change unless --execute')
    .option('--execute', 'actually encrypt (default: dry run)')
    .action(async (opts: { execute?: boolean }) => {
      // The worker's key, by the worker's rule: TOKEN_ENCRYPTION_KEY (required in production), else the local one.
      const { tokenEncryptionKeys, mysqlUrl } = config();
      if (tokenEncryptionKeys === LOCAL_DEV_ENCRYPTION_KEY) {
        console.log('TOKEN_ENCRYPTION_KEY is not set: using the local development key, as the worker does');
      }
      const sequelize = createSequelize(mysqlUrl, { logging: false });
      try {
        const repo = new BytemarkTokensRepository(sequelize, TokenCipher.fromKeyring(tokenEncryptionKeys));
        const report = await repo.encryptLegacyRows({ execute: Boolean(opts.execute) });
        console.log(`scanned ${report.scanned} rows; ${report.toEncrypt} hold plaintext token or password`);
        if (report.userIds.length) console.log(`users: ${report.userIds.join(', ')}`);
        console.log(
          opts.execute ? `encrypted ${report.encrypted} rows` : 'dry run: nothing changed (add --execute to encrypt)',
        );
      } finally {
        await sequelize.close();
      }
    });
}
