/**
 * BASELINE: the port of the original sequential hourly job (baseline-hourly-job.ts) over the same
 * simulator and databases. Being sequential, its rate does not depend on the number of users, so it
 * runs over the first `baselineMaxUsers` users only (the others are not listed to it).
 */
import { BytemarkClient } from '@btc/bytemark-client';
import { TicketCacheRepository, TicketLogRepository, type BytemarkTokensRepository } from '@btc/data';
import { runBaselineHourlyJob } from '../baseline-hourly-job';
import type { BenchEnvironment } from '../environment';
import { auditEntriesByUser, bytemarkCalls, percentile, perUser } from '../metrics';
import { countMongoWrites } from '../write-counter';
import type { PhaseStart } from './phase-setup';
import type { PhaseResult } from './phase-result';

/** The token repository, listing only `userIds`. */
function restrictedTokens(tokens: BytemarkTokensRepository, userIds: readonly number[]): BytemarkTokensRepository {
  const restricted = Object.create(tokens) as BytemarkTokensRepository;
  restricted.listTokenUserIds = async ({ afterUserId, limit }) =>
    userIds.filter((id) => id > afterUserId).slice(0, limit);
  return restricted;
}

export async function runBaselinePhase(
  env: BenchEnvironment,
  sample: readonly number[],
  start: PhaseStart,
): Promise<PhaseResult> {
  const { deps, mongo } = env.dependencies;
  const cache = new TicketCacheRepository(mongo);
  const logs = new TicketLogRepository(mongo);
  const writes = countMongoWrites({ cache, logs });
  const result = await runBaselineHourlyJob({
    tokens: restrictedTokens(deps.tokens, sample),
    cache,
    logs,
    refreshLog: deps.refreshLog,
    // The original calls Bytemark directly: no shared call window (a client of the same settings without it).
    bytemark: new BytemarkClient({
      customerApiUrl: env.config.bytemark.customerApiUrl,
      accountApiUrl: env.config.bytemark.accountApiUrl,
      clientId: env.config.bytemark.clientId,
      timeoutMs: env.config.bytemark.timeoutMs,
      perPage: env.config.bytemark.perPage,
    }),
    freeProductUuids: deps.config.freeProductUuids,
    ttlSeconds: deps.config.ttlSeconds,
  });
  const calls = await bytemarkCalls(env.admin);
  const unchanged = sample.filter((id) => !start.changed.has(id));
  const audit = await auditEntriesByUser(mongo, start.startSec);
  return {
    name: 'baseline',
    users: result.refreshed,
    changedUsers: sample.length - unchanged.length,
    failed: result.failed,
    durationMs: result.durationMs,
    usersPerSecond: result.refreshed / (result.durationMs / 1000),
    latencyP50Ms: percentile(result.perUserMs, 50),
    latencyP95Ms: percentile(result.perUserMs, 95),
    bytemarkCallsPerUser: calls / Math.max(1, result.refreshed),
    bytemarkPeakCallsPerSecond: (await env.admin.rate()).peakPerSecond,
    mongoWritesPerUnchangedUser: perUser(writes, unchanged),
    auditEntriesPerUnchangedUser: perUser(audit, unchanged),
    workflows: null,
    historyEventsPerUser: null,
    actionsPerUser: null,
    workerPeakRssMb: null,
    detail: {
      sampleUsers: sample.length,
      note: 'sequential: run over a sample of users; its rate does not depend on N',
    },
  };
}
