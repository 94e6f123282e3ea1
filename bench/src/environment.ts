/**
 * One benchmark environment: the local stack (started only if not running), the `bytemark_bench`
 * databases (created, migrated and emptied), a seeded simulator, the repositories and a Temporal client.
 */
import type { Client } from '@temporalio/client';
import { SimulatorAdmin, startSimulator, type RunningSimulator } from '@btc/bytemark-simulator';
import { ensureMongoIndexes, migrateUp } from '@btc/migrations';
import {
  BYTEMARK_TOKENS_TABLE,
  REFRESH_LOG_TABLE,
  STAGING_COLLECTION,
  TICKET_CACHE_COLLECTION,
  TICKET_CACHE_STATE_TABLE,
  TICKET_LOG_COLLECTION,
} from '@btc/data';
import { LOCAL_DEV_ENCRYPTION_KEY, connectClient, loadConfig } from '@btc/config';
import {
  DEPENDENCY_CONFIG_SECTIONS,
  buildDependencies,
  type DependencyConfig,
  type WorkerDependencies,
} from '@btc/worker-runtime';
import { LOCAL, stackDown, stackUp, type ComponentName } from '@btc/tools';
import type { BenchOptions } from './options';

export const BENCH_DATABASE = 'bytemark_bench';
export const BENCH_CLIENT_ID = 'bench-client';
/** Far from the ids the test suite uses on the same Temporal namespace (per-user workflow ids are global). */
export const FIRST_USER_ID = 900_001;

export interface BenchEnvironment {
  simulator: RunningSimulator;
  admin: SimulatorAdmin;
  dependencies: WorkerDependencies;
  config: DependencyConfig;
  client: Client;
  userIds: number[];
  /** The environment of a bench worker process. */
  workerEnv(kind: 'ours' | 'ceiling', taskQueue: string, workflowBundle: string): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export type Log = (line: string) => void;

/** Starts the stack if needed; returns what it started (to stop at the end). */
export async function ensureStack(log: Log): Promise<ComponentName[]> {
  return stackUp(log);
}

export async function stopStack(log: Log, started: ComponentName[]): Promise<void> {
  if (started.length > 0) await stackDown(log, started);
}

export async function openEnvironment(options: BenchOptions, log: Log): Promise<BenchEnvironment> {
  const mysqlUrl = `${LOCAL.mysqlUrl}/${BENCH_DATABASE}`;
  const mongoUrl = `${LOCAL.mongoUrl}/${BENCH_DATABASE}`;
  await migrateUp({ mysqlUrl, mongoUrl });
  const simulator = await startSimulator({
    port: 0,
    seed: 1,
    users: options.users,
    passesPerUser: options.passes,
    clientId: BENCH_CLIENT_ID,
    firstUserId: FIRST_USER_ID,
  });
  const admin = new SimulatorAdmin(simulator.url);
  // One set of variables configures the bench's own dependencies and its worker processes, through the
  // worker's loader; the rest (TTL, grace, free products, page size) is the service's default.
  const variables = {
    NODE_ENV: 'development',
    MYSQL_URL: mysqlUrl,
    MONGO_URL: mongoUrl,
    BYTEMARK_CUSTOMER_API_URL: simulator.url,
    BYTEMARK_ACCOUNT_API_URL: simulator.url,
    BYTEMARK_CLIENT_ID: BENCH_CLIENT_ID,
    BYTEMARK_TIMEOUT_MS: '30000',
    BYTEMARK_RATE_LIMIT_RPS: String(options.rate),
    TOKEN_ENCRYPTION_KEY: LOCAL_DEV_ENCRYPTION_KEY,
    SLACK_API_URL: 'http://127.0.0.1:9',
  };
  const config: DependencyConfig = loadConfig(variables, DEPENDENCY_CONFIG_SECTIONS);
  const dependencies = await buildDependencies(config);
  // The bench's Temporal: TEMPORAL_* of the environment (the one connection helper), the local dev server by default.
  const client = await connectClient(loadConfig(process.env, ['temporal']).temporal);
  const env: BenchEnvironment = {
    simulator,
    admin,
    dependencies,
    config,
    client,
    userIds: [],
    workerEnv(kind, taskQueue, workflowBundle) {
      return {
        ...process.env,
        ...variables,
        WORKER_MAX_CONCURRENT_ACTIVITIES: String(options.maxConcurrentActivities),
        WORKER_TASK_QUEUE: taskQueue,
        BENCH_WORKER_KIND: kind,
        WORKFLOW_BUNDLE: workflowBundle,
        BENCH_USER_RANGE: `${env.userIds[0]},${env.userIds[env.userIds.length - 1]},${options.changedFraction}`,
        ...(options.workerHeapMb === null
          ? {}
          : {
              NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --max-old-space-size=${options.workerHeapMb}`.trim(),
            }),
      };
    },
    async close() {
      await Promise.allSettled([client.connection.close(), dependencies.close(), simulator.close()]);
    },
  };
  try {
    await emptyBenchDatabases(dependencies);
    const accounts = await admin.users();
    const { tokens } = dependencies.deps;
    // One at a time: concurrent upserts into the unique user_id index deadlock on InnoDB gap locks.
    for (const a of accounts) await tokens.upsertAccount({ ...a, status: 'used' });
    env.userIds = accounts.map((a) => a.userId).sort((a, b) => a - b);
    log(`seeded ${env.userIds.length} users (${options.passes} passes each) in the simulator and bytemark_tokens`);
  } catch (error) {
    await env.close();
    throw error;
  }
  return env;
}

/**
 * Empties the bench tables and drops the bench collections (FerretDB v1 on SQLite fails a
 * `deleteMany` that matches more than 32,766 documents: "too many SQL variables"). Refuses any
 * database but `bytemark_bench`.
 */
async function emptyBenchDatabases(dependencies: WorkerDependencies): Promise<void> {
  const { sequelize, mongo } = dependencies;
  if (sequelize.getDatabaseName() !== BENCH_DATABASE || mongo.db?.databaseName !== BENCH_DATABASE) {
    throw new Error(`refusing to empty a database other than ${BENCH_DATABASE}`);
  }
  for (const table of [BYTEMARK_TOKENS_TABLE, REFRESH_LOG_TABLE, TICKET_CACHE_STATE_TABLE]) {
    await sequelize.query(`DELETE FROM \`${table}\``);
  }
  for (const name of [TICKET_CACHE_COLLECTION, TICKET_LOG_COLLECTION, STAGING_COLLECTION]) {
    await mongo.db
      .collection(name)
      .drop()
      .catch(() => false); // absent: nothing to drop
  }
  await ensureMongoIndexes(mongo); // the dropped collections' indexes
}
