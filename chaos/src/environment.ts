/**
 * One campaign's environment: a seeded simulator, two sets of databases (`bytemark_chaos`, where the
 * sweep runs under faults, and `bytemark_reference_chaos`, where the clean run computes what it should
 * have done), their repositories, a loopback push endpoint and a Temporal client.
 */
import { EventEmitter } from 'node:events';
import type { Client } from '@temporalio/client';
import { SimulatorAdmin, startSimulator, type RunningSimulator } from '@btc/bytemark-simulator';
import { LOCAL_DEV_ENCRYPTION_KEY, connectClient, loadConfig } from '@btc/config';
import {
  BYTEMARK_TOKENS_TABLE,
  CALL_PACE_TABLE,
  REFRESH_LOG_FAILURES_TABLE,
  REFRESH_LOG_TABLE,
  TICKET_CACHE_STATE_TABLE,
} from '@btc/data';
import { ensureMongoIndexes, migrateUp } from '@btc/migrations';
import {
  DEPENDENCY_CONFIG_SECTIONS,
  buildDependencies,
  type DependencyConfig,
  type WorkerDependencies,
} from '@btc/worker-runtime';
import { LOCAL } from '@btc/tools';
import type { ChaosOptions } from './options';
import { startPushReceiver, type PushReceiver } from './push-receiver';

export const CHAOS_DATABASE = 'bytemark_chaos';
export const REFERENCE_DATABASE = 'bytemark_reference_chaos';
export const CHAOS_CLIENT_ID = 'chaos-client';
/** Far from the ids of the test suite (1+, 2001+) and the bench (900,001+): per-user workflow ids are global. */
export const FIRST_USER_ID = 700_001;
/** High enough never to pace the campaign: the faults are the simulator's, not the limiter's. */
const RATE_LIMIT_RPS = 2000;

export type Log = (line: string) => void;

/** One set of databases and the repositories over it. */
export interface DatabaseSet {
  name: string;
  mysqlUrl: string;
  mongoUrl: string;
  dependencies: WorkerDependencies;
  config: DependencyConfig;
}

export interface ChaosEnvironment {
  simulator: RunningSimulator;
  admin: SimulatorAdmin;
  chaos: DatabaseSet;
  reference: DatabaseSet;
  push: PushReceiver;
  client: Client;
  userIds: number[];
  /** The environment of a worker process on the chaos databases. */
  workerEnv(taskQueue: string, workflowBundle: string): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Refuses any database whose name does not end in `_chaos`: the campaign empties and kills what it is given. */
export function assertChaosDatabase(name: string | undefined): void {
  if (!name || !name.endsWith('_chaos')) {
    throw new Error(`refusing to touch database '${name ?? ''}': the campaign only runs on databases ending in _chaos`);
  }
}

function variablesFor(database: string, options: ChaosOptions, simulatorUrl: string, pushUrl: string) {
  assertChaosDatabase(database);
  return {
    NODE_ENV: 'development',
    MYSQL_URL: `${LOCAL.mysqlUrl}/${database}`,
    MONGO_URL: `${LOCAL.mongoUrl}/${database}`,
    BYTEMARK_CUSTOMER_API_URL: simulatorUrl,
    BYTEMARK_ACCOUNT_API_URL: simulatorUrl,
    BYTEMARK_CLIENT_ID: CHAOS_CLIENT_ID,
    BYTEMARK_RATE_LIMIT_RPS: String(RATE_LIMIT_RPS),
    TOKEN_ENCRYPTION_KEY: LOCAL_DEV_ENCRYPTION_KEY,
    NOTIFICATION_URL: pushUrl,
    SLACK_API_URL: 'http://127.0.0.1:9',
    WORKER_MAX_CONCURRENT_ACTIVITIES: String(Math.max(50, options.maxInFlight * 2)),
  };
}

async function openDatabaseSet(variables: ReturnType<typeof variablesFor>, name: string): Promise<DatabaseSet> {
  await migrateUp({ mysqlUrl: variables.MYSQL_URL, mongoUrl: variables.MONGO_URL });
  const config: DependencyConfig = loadConfig(variables, DEPENDENCY_CONFIG_SECTIONS);
  const dependencies = await buildDependencies(config);
  return { name, mysqlUrl: variables.MYSQL_URL, mongoUrl: variables.MONGO_URL, dependencies, config };
}

export async function openEnvironment(options: ChaosOptions, log: Log): Promise<ChaosEnvironment> {
  // The simulator runs in this process; its close signal holds one abort listener per delayed request
  // (hundreds at 50 ms latency), which Node would report as a leak past 10.
  EventEmitter.defaultMaxListeners = Math.max(EventEmitter.defaultMaxListeners, 1000);
  const simulator = await startSimulator({
    port: 0,
    seed: options.seed,
    users: options.users,
    passesPerUser: options.passes,
    clientId: CHAOS_CLIENT_ID,
    firstUserId: FIRST_USER_ID,
  });
  const opened: Array<() => Promise<unknown>> = [() => simulator.close()];
  const closeAll = () => Promise.allSettled(opened.map((close) => close()));
  try {
    const push = await startPushReceiver();
    opened.push(() => push.close());
    const chaosVariables = variablesFor(CHAOS_DATABASE, options, simulator.url, push.url);
    const chaos = await openDatabaseSet(chaosVariables, CHAOS_DATABASE);
    opened.push(() => chaos.dependencies.close());
    const reference = await openDatabaseSet(
      variablesFor(REFERENCE_DATABASE, options, simulator.url, push.url),
      REFERENCE_DATABASE,
    );
    opened.push(() => reference.dependencies.close());
    // The campaign's Temporal: TEMPORAL_* of the environment (the one connection helper), the local dev server by default.
    const client = await connectClient(loadConfig(process.env, ['temporal']).temporal);
    opened.push(() => client.connection.close());
    const admin = new SimulatorAdmin(simulator.url);
    await emptyDatabases(chaos);
    await emptyDatabases(reference);
    const userIds = (await admin.users()).map((a) => a.userId).sort((a, b) => a - b);
    log(`simulator ${simulator.url} with ${userIds.length} users; databases ${CHAOS_DATABASE}, ${REFERENCE_DATABASE}`);
    return {
      simulator,
      admin,
      chaos,
      reference,
      push,
      client,
      userIds,
      workerEnv(taskQueue, workflowBundle) {
        return {
          ...process.env,
          ...chaosVariables,
          WORKER_TASK_QUEUE: taskQueue,
          BENCH_WORKER_KIND: 'ours',
          WORKFLOW_BUNDLE: workflowBundle,
        };
      },
      async close() {
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Empties the campaign's tables and drops its collections (FerretDB v1 on SQLite fails a large
 * `deleteMany`), then recreates the indexes. Refuses any database but a `_chaos` one.
 */
async function emptyDatabases(set: DatabaseSet): Promise<void> {
  const { sequelize, mongo } = set.dependencies;
  assertChaosDatabase(sequelize.getDatabaseName());
  assertChaosDatabase(mongo.db?.databaseName);
  for (const table of [
    BYTEMARK_TOKENS_TABLE,
    REFRESH_LOG_TABLE,
    REFRESH_LOG_FAILURES_TABLE,
    TICKET_CACHE_STATE_TABLE,
    CALL_PACE_TABLE,
  ]) {
    await sequelize.query(`DELETE FROM \`${table}\``);
  }
  const collections = await mongo.db!.listCollections({}, { nameOnly: true }).toArray();
  for (const { name } of collections) await mongo.db!.collection(name).drop();
  await ensureMongoIndexes(mongo);
}
