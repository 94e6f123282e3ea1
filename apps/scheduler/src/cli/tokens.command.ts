import type { Command } from 'commander';
import {
  BytemarkTokensMaintenance,
  BytemarkTokensRepository,
  TOKEN_STORAGE_MODE_LABELS,
  TokenCipher,
  createSequelize,
  type KeyringCheck,
} from '@btc/data';
import type { SchedulerConfig, TokenConfig } from '../config';
import { CliError } from './context';

const pad = (label: string) => `  ${`${label}:`.padEnd(24)}`;

/** Opens MySQL with the worker's keyring (`TOKEN_ENCRYPTION_KEY`, required), runs `fn`, closes. */
async function withTokens<T>(
  config: () => SchedulerConfig,
  keys: () => TokenConfig,
  fn: (t: {
    repo: BytemarkTokensRepository;
    maintenance: BytemarkTokensMaintenance;
    cipher: TokenCipher;
  }) => Promise<T>,
): Promise<T> {
  const cipher = TokenCipher.fromKeyring(keys().tokenEncryptionKeys);
  const sequelize = createSequelize(config().mysqlUrl, { logging: false });
  try {
    return await fn({
      repo: new BytemarkTokensRepository(sequelize, cipher),
      maintenance: new BytemarkTokensMaintenance(sequelize, cipher),
      cipher,
    });
  } finally {
    await sequelize.close();
  }
}

function keyIdLines(check: KeyringCheck): string[] {
  if (check.keyIds.length === 0) return [`${pad('key ids in use')}none (no value is encrypted yet)`];
  return check.keyIds.map(
    (k, i) =>
      `${pad(i === 0 ? 'key ids in use' : '')}${k.keyId}${k.keyId === check.currentKeyId ? ' (current)' : ''}: ` +
      `${k.values} values, ${k.ok ? 'decrypts' : 'DOES NOT DECRYPT with this keyring'}`,
  );
}

const seconds = (started: number) => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/**
 * `npm run cli -- tokens …`: the storage mode of `bytemark_tokens` (expand / encrypted-only), key
 * rotation, and encryption of plaintext rows. Every writing command is a dry run without
 * `--execute`, and refuses a keyring that cannot decrypt what is already stored.
 */
export function registerTokensCommands(program: Command, config: () => SchedulerConfig, keys: () => TokenConfig): void {
  const tokens = program
    .command('tokens')
    .description('Bytemark token storage: mode, key rotation, encryption of plaintext rows');

  tokens
    .command('status')
    .description('the storage mode (expand or encrypted-only), row counts, and the key ids in use')
    .action(async () => {
      await withTokens(config, keys, async ({ repo }) => {
        const report = await repo.storageReport();
        const check = await repo.checkKeyring();
        console.log('bytemark_tokens storage');
        console.log(`${pad('mode')}${TOKEN_STORAGE_MODE_LABELS[report.mode]}`);
        console.log(`${pad('rows')}${report.rows} (${report.withToken} with a token)`);
        console.log(`${pad('plaintext rows')}${report.plaintextRows}`);
        console.log(`${pad('encrypted copies')}${report.copiedRows} (bytemark_tokens_encrypted)`);
        for (const line of keyIdLines(check)) console.log(line);
        if (report.mode === 'expand') {
          console.log(
            "Plaintext stays in token/password for the platform's other readers; once none reads them: " +
              '`npm run cli -- tokens finish-encryption`.',
          );
        }
        if (check.keyIds.some((k) => k.keyId !== check.currentKeyId)) {
          console.log('Values under an older key id: `npm run cli -- tokens rotate` re-encrypts them.');
        }
        if (check.keyIds.some((k) => !k.ok)) process.exitCode = 1;
      });
    });

  tokens
    .command('rotate')
    .description('re-encrypt under the current key every value written under an older key id; dry run unless --execute')
    .option('--execute', 'actually re-encrypt (default: dry run)')
    .action(async (opts: { execute?: boolean }) => {
      const execute = Boolean(opts.execute);
      await withTokens(config, keys, async ({ repo, maintenance, cipher }) => {
        const check = await repo.checkKeyring();
        const current = check.keyIds.find((k) => k.keyId === cipher.keyId && !k.ok);
        if (current?.error) {
          throw new CliError(
            `the current key '${cipher.keyId}' cannot decrypt values stored under its own key id (${current.error.message}): ` +
              'refusing to encrypt anything with it. TOKEN_ENCRYPTION_KEY must start with the key those values were written with.',
          );
        }
        const started = Date.now();
        console.log(`tokens rotate to key id '${cipher.keyId}': ${execute ? 'writing' : 'dry run'}`);
        const r = await maintenance.rotateKeys({
          execute,
          onProgress: (p) => console.log(`  ${p.scanned} rows scanned`),
        });
        console.log(`${pad('scanned')}${r.scanned}`);
        console.log(`${pad('under current key')}${r.underCurrentKey}`);
        console.log(`${pad(execute ? 're-encrypted' : 'to re-encrypt')}${execute ? r.reencrypted : r.toReencrypt}`);
        console.log(`${pad('failed')}${r.failed}`);
        console.log(`${pad('plaintext, left alone')}${r.plaintextOnly}`);
        if (execute) console.log(`${pad('changed meanwhile')}${r.changedMeanwhile}`);
        console.log(`took ${seconds(started)}`);
        for (const f of r.failures) {
          console.log(
            `  failed: user ${f.userId} (key id '${f.keyId ?? '?'}' is not in the keyring or does not match)`,
          );
        }
        if (r.failed > 0) {
          console.log('Rows that failed keep their value: add the key they were written with after the current one.');
          process.exitCode = 1;
        } else if (!execute) {
          console.log('dry run: nothing changed (add --execute to re-encrypt)');
        } else if (r.changedMeanwhile > 0) {
          // Not done: an older key must stay in the keyring until a run ends clean.
          console.log('Some rows changed while this ran: run it again.');
          process.exitCode = 1;
        } else {
          console.log(`done. Every encrypted value is under '${cipher.keyId}'; older keys can leave the keyring.`);
        }
      });
    });

  tokens
    .command('encrypt-legacy')
    .description('encrypt plaintext token/password rows in place (encrypted-only mode); dry run unless --execute')
    .option('--execute', 'actually encrypt (default: dry run)')
    .action(async (opts: { execute?: boolean }) => {
      await withTokens(config, keys, async ({ repo, maintenance }) => {
        if ((await repo.storageMode()) === 'expand') {
          throw new CliError(
            "this database is in expand mode: the platform's other services read the plaintext token/password " +
              'columns, so encrypt-legacy would break them. When none of them reads them any more, run ' +
              '`npm run cli -- tokens finish-encryption`.',
          );
        }
        await repo.assertKeyringDecrypts('encrypt-legacy refuses to encrypt with a key the worker could not use');
        const report = await maintenance.encryptLegacyRows({ execute: Boolean(opts.execute) });
        console.log(`scanned ${report.scanned} rows; ${report.toEncrypt} hold plaintext token or password`);
        if (report.userIds.length) console.log(`users: ${report.userIds.join(', ')}`);
        console.log(
          opts.execute ? `encrypted ${report.encrypted} rows` : 'dry run: nothing changed (add --execute to encrypt)',
        );
      });
    });

  tokens
    .command('finish-encryption')
    .description(
      'end expand mode: encrypt the plaintext token/password columns in place and delete the encrypted copies; dry run unless --execute',
    )
    .option('--execute', 'switch to encrypted-only and encrypt (default: dry run)')
    .action(async (opts: { execute?: boolean }) => {
      const execute = Boolean(opts.execute);
      await withTokens(config, keys, async ({ repo, maintenance }) => {
        await repo.assertKeyringDecrypts('finish-encryption refuses to encrypt with a key the worker could not use');
        const started = Date.now();
        const r = await maintenance.finishEncryption({ execute });
        console.log(`tokens finish-encryption: ${execute ? 'writing' : 'dry run'}`);
        console.log(`${pad('mode before')}${TOKEN_STORAGE_MODE_LABELS[r.modeBefore]}`);
        console.log(`${pad('scanned')}${r.scanned}`);
        console.log(`${pad(execute ? 'rewritten' : 'to rewrite')}${execute ? r.rewritten : r.toRewrite}`);
        if (execute) console.log(`${pad('changed meanwhile')}${r.changedMeanwhile}`);
        console.log(`${pad('plaintext rows left')}${r.plaintextLeft}`);
        console.log(`took ${seconds(started)}`);
        if (!execute) {
          console.log(
            "dry run: nothing changed. --execute switches to encrypted-only first: from then on the platform's " +
              'other services read ciphertext in token/password.',
          );
        } else if (r.plaintextLeft > 0) {
          console.log('Some rows still hold plaintext (written meanwhile): run it again.');
          process.exitCode = 1;
        } else {
          console.log(`done. mode: ${TOKEN_STORAGE_MODE_LABELS['encrypted-only']}`);
        }
      });
    });
}
