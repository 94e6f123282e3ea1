import type { Command } from 'commander';
import {
  ORIGINAL_CACHE_BACKUP_COLLECTION,
  OriginalCacheAdoption,
  LegacyCacheBackupInUseError,
  TICKET_CACHE_COLLECTION,
  TicketCacheStateRepository,
  connectMongo,
  createSequelize,
  type OriginalCacheAdoptionReport,
} from '@btc/data';
import type { SchedulerConfig } from '../config';
import { registerCachePurgeCommands } from './cache-purge.command';
import { confirmDestructive } from './confirm';
import { CliError, UsageError } from './context';
import { outputOf } from './output';

/** The report as the operator reads it; a dry run says what `--execute` would do. */
export function formatAdoptionReport(r: OriginalCacheAdoptionReport): string[] {
  const would = r.execute ? '' : ' (would be)';
  const lines = [
    `documents seen:         ${r.documentsSeen} (${r.originalDocuments} under an _id of the original), ${r.users} users`,
    `documents re-keyed:     ${r.rekeyed}${would}`,
    `duplicates removed:     ${r.duplicatesRemoved}${would}`,
    `normalised in place:    ${r.normalisedInPlace}${would}`,
    `timestamps normalised:  ${r.timestampsNormalised.documents} documents, ${r.timestampsNormalised.passEntries} pass entries${would}`,
    `hashes rewritten:       ${r.hashesRewritten}${would}`,
    `state rows written:     ${r.stateRowsWritten}${would}`,
    `backed up:              ${r.backedUp}${would}, into ${ORIGINAL_CACHE_BACKUP_COLLECTION}`,
    `skipped:                ${r.skipped.alreadyAdopted} already adopted, ${r.skipped.ours} written by this service, ${r.skipped.invalid} without a usable user_id`,
    `unique user_id index:   ${r.indexDropped ? `absent during the run${would}, ` : ''}${r.indexPresent ? 'present' : 'absent'} now`,
  ];
  if (r.invalidIds.length > 0) lines.push(`without a usable user_id: ${r.invalidIds.join(', ')}`);
  for (const f of r.failed.slice(0, 20)) lines.push(`failed: user ${f.userId}: ${f.message}`);
  lines.push(`took ${(r.durationMs / 1000).toFixed(1)} s`);
  return lines;
}

/**
 * `cache adopt-legacy`: makes the original platform's cache documents this service's (see
 * `OriginalCacheAdoption`); `cache drop-legacy-backup`: drops the copies it kept, once the operator is
 * done with them. Both are dry runs unless `--execute`. `cache purge` and `cache purge-orphans`: see
 * `cache-purge.command.ts`.
 */
export function registerCacheCommands(program: Command, config: () => SchedulerConfig): void {
  const cache = program
    .command('cache')
    .description("ticket cache maintenance: adopt the original platform's documents, purge deleted riders and orphans");
  registerCachePurgeCommands(cache, config);

  cache
    .command('adopt-legacy')
    .description(
      "re-key the original's cache documents to _id String(user_id), timestamps in seconds, our payload hashes, " +
        "and write each user's refresh state; resumable; prints what it would change unless --execute",
    )
    .option('--execute', 'actually write (default: dry run)')
    .option('--concurrency <n>', 'users adopted at once', '8')
    .action(async (opts: { execute?: boolean; concurrency: string }, command: Command) => {
      const concurrency = Number(opts.concurrency);
      if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw new UsageError(`--concurrency must be an integer from 1 to 64, got "${opts.concurrency}"`);
      }
      const out = outputOf(command);
      const execute = Boolean(opts.execute);
      const { mysqlUrl, mongoUrl } = config();
      const sequelize = createSequelize(mysqlUrl, { logging: false });
      const mongo = await connectMongo(mongoUrl);
      try {
        out.note(
          `cache adopt-legacy on ${TICKET_CACHE_COLLECTION}: ${execute ? 'writing' : 'dry run, nothing is written (add --execute to write)'}`,
        );
        let step = 0;
        const report = await new OriginalCacheAdoption({
          mongo,
          states: new TicketCacheStateRepository(sequelize),
        }).run({
          execute,
          concurrency,
          onProgress: (done, users) => {
            step ||= Math.max(1, Math.floor(users / 20));
            // Log lines rather than a redrawn bar: a long run is read in a job's log too (stderr with --json).
            if (done % step === 0 && done < users) out.note(`  ${done}/${users} users`);
          },
        });
        out.result(report, [
          ...formatAdoptionReport(report),
          ...(execute && report.failed.length === 0
            ? ['done. The copies stay until `npm run cli -- cache drop-legacy-backup --execute`.']
            : []),
        ]);
        if (report.failed.length > 0) {
          throw new CliError(
            `${report.failed.length} users were not adopted (each still has a document); run the command again`,
          );
        }
      } finally {
        await Promise.allSettled([sequelize.close(), mongo.close()]);
      }
    });

  cache
    .command('drop-legacy-backup')
    .description(
      `drop ${ORIGINAL_CACHE_BACKUP_COLLECTION}, the copies adopt-legacy kept; refused while a document still waits for adoption`,
    )
    .option('--execute', 'actually drop (default: dry run)')
    .option('--yes', 'with --execute: drop without asking')
    .action(async (opts: { execute?: boolean; yes?: boolean }, command: Command) => {
      if (opts.execute) {
        await confirmDestructive(
          `drop ${ORIGINAL_CACHE_BACKUP_COLLECTION} (the copies of the original's documents adopt-legacy kept; they cannot be restored after)`,
          opts,
        );
      }
      const { mysqlUrl, mongoUrl } = config();
      const sequelize = createSequelize(mysqlUrl, { logging: false });
      const mongo = await connectMongo(mongoUrl);
      try {
        const adoption = new OriginalCacheAdoption({ mongo, states: new TicketCacheStateRepository(sequelize) });
        const result = await adoption.dropBackup({ execute: Boolean(opts.execute) }).catch((error: unknown) => {
          throw error instanceof LegacyCacheBackupInUseError ? new CliError(error.message) : error;
        });
        outputOf(command).result({ execute: Boolean(opts.execute), ...result }, [
          `${ORIGINAL_CACHE_BACKUP_COLLECTION}: ${result.backupDocuments} documents`,
          result.dropped
            ? 'dropped'
            : opts.execute
              ? 'nothing to drop'
              : 'dry run: nothing changed (add --execute to drop)',
        ]);
      } finally {
        await Promise.allSettled([sequelize.close(), mongo.close()]);
      }
    });
}
