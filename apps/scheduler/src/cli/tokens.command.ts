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
import { confirmDestructive } from './confirm';
import { CliError } from './context';
import { EXIT, outputOf } from './output';

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
 * `--execute`, and refuses a keyring that cannot decrypt what is already stored. With --json each
 * prints its report as one document; progress goes to stderr on a terminal.
 */
export function registerTokensCommands(program: Command, config: () => SchedulerConfig, keys: () => TokenConfig): void {
  const tokens = program
    .command('tokens')
    .description('Bytemark token storage: mode, key rotation, encryption of plaintext rows');

  tokens
    .command('status')
    .description(
      'the storage mode (expand or encrypted-only), row counts, and the key ids in use (exit 3: a key id does not decrypt)',
    )
    .action(async (_opts: object, command: Command) => {
      await withTokens(config, keys, async ({ repo }) => {
        const report = await repo.storageReport();
        const check = await repo.checkKeyring();
        const lines = [
          'bytemark_tokens storage',
          `${pad('mode')}${TOKEN_STORAGE_MODE_LABELS[report.mode]}`,
          `${pad('rows')}${report.rows} (${report.withToken} with a token)`,
          `${pad('plaintext rows')}${report.plaintextRows}`,
          `${pad('encrypted copies')}${report.copiedRows} (bytemark_tokens_encrypted)`,
          ...keyIdLines(check),
        ];
        if (report.mode === 'expand') {
          lines.push(
            "Plaintext stays in token/password for the platform's other readers; once none reads them: " +
              '`npm run cli -- tokens finish-encryption`.',
          );
        }
        if (check.keyIds.some((k) => k.keyId !== check.currentKeyId)) {
          lines.push('Values under an older key id: `npm run cli -- tokens rotate` re-encrypts them.');
        }
        const keyringOk = check.keyIds.every((k) => k.ok);
        outputOf(command).result(
          {
            mode: report.mode,
            rows: report.rows,
            withToken: report.withToken,
            plaintextRows: report.plaintextRows,
            copiedRows: report.copiedRows,
            currentKeyId: check.currentKeyId,
            keyIds: check.keyIds.map((k) => ({ keyId: k.keyId, values: k.values, decrypts: k.ok })),
            keyringOk,
          },
          lines,
        );
        if (!keyringOk) process.exitCode = EXIT.checkFailed;
      });
    });

  tokens
    .command('rotate')
    .description('re-encrypt under the current key every value written under an older key id; dry run unless --execute')
    .option('--execute', 'actually re-encrypt (default: dry run)')
    .action(async (opts: { execute?: boolean }, command: Command) => {
      const execute = Boolean(opts.execute);
      const out = outputOf(command);
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
        const r = await maintenance.rotateKeys({
          execute,
          onProgress: (p) => out.progress(`tokens rotate: ${p.scanned} rows scanned`),
        });
        out.endProgress();
        const lines = [
          `tokens rotate to key id '${cipher.keyId}': ${execute ? 'writing' : 'dry run'}`,
          `${pad('scanned')}${r.scanned}`,
          `${pad('under current key')}${r.underCurrentKey}`,
          `${pad(execute ? 're-encrypted' : 'to re-encrypt')}${execute ? r.reencrypted : r.toReencrypt}`,
          `${pad('failed')}${r.failed}`,
          `${pad('plaintext, left alone')}${r.plaintextOnly}`,
          ...(execute ? [`${pad('changed meanwhile')}${r.changedMeanwhile}`] : []),
          `took ${seconds(started)}`,
          ...r.failures.map(
            (f) => `  failed: user ${f.userId} (key id '${f.keyId ?? '?'}' is not in the keyring or does not match)`,
          ),
        ];
        // Not done while a row failed or changed meanwhile: an older key must stay in the keyring until a run ends clean.
        const done = execute && r.failed === 0 && r.changedMeanwhile === 0;
        if (r.failed > 0) {
          lines.push('Rows that failed keep their value: add the key they were written with after the current one.');
        } else if (!execute) {
          lines.push('dry run: nothing changed (add --execute to re-encrypt)');
        } else if (r.changedMeanwhile > 0) {
          lines.push('Some rows changed while this ran: run it again.');
        } else {
          lines.push(`done. Every encrypted value is under '${cipher.keyId}'; older keys can leave the keyring.`);
        }
        out.result({ execute, keyId: cipher.keyId, ...r, durationMs: Date.now() - started, done }, lines);
        if (r.failed > 0 || (execute && !done)) process.exitCode = EXIT.error;
      });
    });

  tokens
    .command('encrypt-legacy')
    .description('encrypt plaintext token/password rows in place (encrypted-only mode); dry run unless --execute')
    .option('--execute', 'actually encrypt (default: dry run)')
    .action(async (opts: { execute?: boolean }, command: Command) => {
      await withTokens(config, keys, async ({ repo, maintenance }) => {
        if ((await repo.storageMode()) === 'expand') {
          throw new CliError(
            "this database is in expand mode: the platform's other services read the plaintext token/password " +
              'columns, so encrypt-legacy would break them. When none of them reads them any more, run ' +
              '`npm run cli -- tokens finish-encryption`.',
          );
        }
        await repo.assertKeyringDecrypts('encrypt-legacy refuses to encrypt with a key the worker could not use');
        const execute = Boolean(opts.execute);
        const report = await maintenance.encryptLegacyRows({ execute });
        outputOf(command).result({ execute, ...report }, [
          `scanned ${report.scanned} rows; ${report.toEncrypt} hold plaintext token or password`,
          ...(report.userIds.length ? [`users: ${report.userIds.join(', ')}`] : []),
          execute ? `encrypted ${report.encrypted} rows` : 'dry run: nothing changed (add --execute to encrypt)',
        ]);
      });
    });

  tokens
    .command('finish-encryption')
    .description(
      'end expand mode: encrypt the plaintext token/password columns in place and delete the encrypted copies; dry run unless --execute',
    )
    .option('--execute', 'switch to encrypted-only and encrypt (default: dry run)')
    .option('--yes', 'with --execute: go ahead without asking (it cannot be undone)')
    .action(async (opts: { execute?: boolean; yes?: boolean }, command: Command) => {
      const execute = Boolean(opts.execute);
      if (execute) {
        await confirmDestructive(
          "end expand mode: the plaintext token/password columns are encrypted in place, and the platform's other services read ciphertext from then on",
          opts,
        );
      }
      await withTokens(config, keys, async ({ repo, maintenance }) => {
        await repo.assertKeyringDecrypts('finish-encryption refuses to encrypt with a key the worker could not use');
        const started = Date.now();
        const r = await maintenance.finishEncryption({ execute });
        const lines = [
          `tokens finish-encryption: ${execute ? 'writing' : 'dry run'}`,
          `${pad('mode before')}${TOKEN_STORAGE_MODE_LABELS[r.modeBefore]}`,
          `${pad('scanned')}${r.scanned}`,
          `${pad(execute ? 'rewritten' : 'to rewrite')}${execute ? r.rewritten : r.toRewrite}`,
          ...(execute ? [`${pad('changed meanwhile')}${r.changedMeanwhile}`] : []),
          `${pad('plaintext rows left')}${r.plaintextLeft}`,
          `took ${seconds(started)}`,
        ];
        const done = execute && r.plaintextLeft === 0;
        if (!execute) {
          lines.push(
            "dry run: nothing changed. --execute switches to encrypted-only first: from then on the platform's " +
              'other services read ciphertext in token/password.',
          );
        } else if (!done) {
          lines.push('Some rows still hold plaintext (written meanwhile): run it again.');
          process.exitCode = EXIT.error;
        } else {
          lines.push(`done. mode: ${TOKEN_STORAGE_MODE_LABELS['encrypted-only']}`);
        }
        outputOf(command).result({ execute, ...r, durationMs: Date.now() - started, done }, lines);
      });
    });
}
