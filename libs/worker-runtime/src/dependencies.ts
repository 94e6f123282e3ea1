import { PushNotifier, SlackNotifier, createActivities, type ActivityDeps, type Activities } from '@btc/activities';
import { BytemarkClient } from '@btc/bytemark-client';
import {
  BytemarkTokensRepository,
  CallPacer,
  LoginLeasesRepository,
  NotificationLedgerRepository,
  PassInteractionRepository,
  QuarantineRepository,
  RefreshLogRepository,
  SweepRunsRepository,
  StagingRepository,
  TicketCacheRepository,
  TicketCacheStateRepository,
  TicketLogRepository,
  TokenCipher,
  UserPurge,
  UserTombstonesRepository,
  connectMongo,
  createSequelize,
  explainMysqlConnectionFailure,
  readPaceControls,
} from '@btc/data';
import type { Config, Logger } from '@btc/config';
import type { Connection } from 'mongoose';
import type { Sequelize } from 'sequelize';
import { bytemarkLogger } from './loggers';
import { laneOfCurrentActivity } from './call-lanes';
import { createWorkerMetrics, type WorkerMetrics } from './metrics/worker-metrics';

/** What `buildDependencies` needs: `loadConfig(env, DEPENDENCY_CONFIG_SECTIONS)`, or a `WorkerConfig`. */
export const DEPENDENCY_CONFIG_SECTIONS = ['mysql', 'mongo', 'bytemark', 'tokens', 'cache', 'notifications'] as const;

export type DependencyConfig = Config<(typeof DEPENDENCY_CONFIG_SECTIONS)[number]>;

export interface WorkerDependencies {
  /** The activities' dependencies, before `createActivities` (tests may wrap a repository here). */
  deps: ActivityDeps;
  /** The open connections (for health checks and tests). */
  sequelize: Sequelize;
  mongo: Connection;
  /** The worker's own metrics, fed by the Bytemark client, the pacer and the refreshes, and read from MySQL. */
  metrics: WorkerMetrics;
  close(): Promise<void>;
}

export interface BuildDependenciesOptions {
  /** The app's logger (`createLogger`); the Bytemark client reports its calls, waits and logins to it. */
  logger?: Logger;
  /** The metrics the client, the pacer and the refreshes report to (`createWorkerMetrics`); default a new set. */
  metrics?: WorkerMetrics;
  /** Activities run at once (`WORKER_MAX_CONCURRENT_ACTIVITIES`): sizes the MySQL pool unless MYSQL_POOL_MAX says otherwise. */
  maxConcurrentActivities?: number;
}

/** Connections beyond one per activity: the pacer's reservations, the metrics' reads, a login lease. */
export const MYSQL_POOL_HEADROOM = 5;

/**
 * The MySQL pool of a worker process: MYSQL_POOL_MAX, else one connection per concurrent activity
 * plus `MYSQL_POOL_HEADROOM` (a refresh holds at most one at a time), else 10 (a process without activities).
 */
export function mysqlPoolSize(p: { mysqlPoolMax?: number; maxConcurrentActivities?: number }): number {
  if (p.mysqlPoolMax !== undefined) return p.mysqlPoolMax;
  return p.maxConcurrentActivities === undefined ? 10 : p.maxConcurrentActivities + MYSQL_POOL_HEADROOM;
}

/** Builds the connections, repositories and Bytemark client; the only place that does. */
export async function buildDependencies(
  config: DependencyConfig,
  options: BuildDependenciesOptions = {},
): Promise<WorkerDependencies> {
  const pool = mysqlPoolSize({
    mysqlPoolMax: config.mysqlPoolMax,
    maxConcurrentActivities: options.maxConcurrentActivities,
  });
  const sequelize = createSequelize(config.mysqlUrl, { logging: false, pool: { max: pool } });
  const mongo = await connectMongo(config.mongoUrl);
  try {
    await sequelize.authenticate();
  } catch (error) {
    await Promise.allSettled([mongo.close(), sequelize.close()]);
    // Which setting to check (TLS CA, ssl-mode, host, credentials), never the password.
    throw explainMysqlConnectionFailure(error, config.mysqlUrl);
  }
  const slack = new SlackNotifier(config.slack);
  const metrics = options.metrics ?? createWorkerMetrics(options.logger ? { logger: options.logger } : {});
  const pacer = new CallPacer(sequelize, config.bytemark.rateLimitRps, metrics.pace);
  const cache = new TicketCacheRepository(mongo);
  const states = new TicketCacheStateRepository(sequelize, {
    dueAfterSeconds: config.cache.ttlSeconds - config.cache.graceSeconds,
  });
  const logs = new TicketLogRepository(mongo);
  const quarantine = new QuarantineRepository(mongo);
  const tombstones = new UserTombstonesRepository(sequelize);
  const deps: ActivityDeps = {
    tokens: new BytemarkTokensRepository(sequelize, TokenCipher.fromKeyring(config.tokenEncryptionKeys)),
    staging: new StagingRepository(mongo),
    cache,
    states,
    logs,
    refreshLog: new RefreshLogRepository(sequelize),
    ledger: new NotificationLedgerRepository(mongo),
    interactions: new PassInteractionRepository(sequelize),
    bytemark: new BytemarkClient({
      customerApiUrl: config.bytemark.customerApiUrl,
      accountApiUrl: config.bytemark.accountApiUrl,
      clientId: config.bytemark.clientId,
      clientSecret: config.bytemark.clientSecret,
      timeoutMs: config.bytemark.timeoutMs,
      perPage: config.bytemark.perPage,
      // Riders first: the calling activity's Temporal priority picks the pacer's lane.
      limiter: { acquire: () => pacer.acquire(laneOfCurrentActivity()) },
      ...(options.logger ? { logger: bytemarkLogger(options.logger) } : {}),
      observer: metrics.bytemark,
    }),
    push: new PushNotifier(config.notificationUrl),
    slack,
    alertOperators: (text) => slack.post(text),
    quarantine,
    tombstones,
    userPurge: new UserPurge({ tombstones, cache, logs, quarantine, states }),
    sweepRuns: new SweepRunsRepository(sequelize),
    loginLeases: new LoginLeasesRepository(sequelize),
    paceControls: () => readPaceControls(sequelize),
    rateLimitRps: config.bytemark.rateLimitRps,
    config: config.cache,
    onRefresh: metrics.onRefresh,
  };
  metrics.readFrom({
    states: deps.states,
    refreshLog: deps.refreshLog,
    sweepRuns: deps.sweepRuns,
    ttlSeconds: config.cache.ttlSeconds,
    rateLimitRps: () => pacer.callsPerSecond,
  });
  return {
    deps,
    sequelize,
    mongo,
    metrics,
    async close() {
      await Promise.allSettled([sequelize.close(), mongo.close()]);
    },
  };
}

export function activitiesFrom(dependencies: WorkerDependencies): Activities {
  return createActivities(dependencies.deps);
}
