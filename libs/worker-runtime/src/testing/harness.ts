/**
 * Integration-test harness for workflows: a real Temporal dev server (started by `npm test`), a
 * Bytemark simulator on a free port, the `_test` databases, and real workers on a unique task queue.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { startSimulator, SimulatorAdmin, type RunningSimulator } from '@btc/bytemark-simulator';
import { TicketCacheStateRepository } from '@btc/data';
import { TEST_TOKEN_KEYRING, clearMongoCollections, testDatabaseUrls, truncateMysqlTables } from '@btc/data/testing';
import { connectClient, createLogger, loadConfig, type TemporalSettings } from '@btc/config';
import { connectWorker } from '../connect-worker';
import {
  DEPENDENCY_CONFIG_SECTIONS,
  buildDependencies,
  type DependencyConfig,
  type WorkerDependencies,
} from '../dependencies';
import { installRuntime } from '../runtime';
import { startHttpRecorder, type HttpRecorder } from './http-recorder';
import { startWorker } from '../start-worker';
import { WORKER_CONFIG_SECTIONS } from '../worker-config';

/** The suite's Temporal: the environment's TEMPORAL_* settings (npm test: the local dev server). */
export const TEMPORAL: TemporalSettings = loadConfig(process.env, ['temporal']).temporal;
export const TEMPORAL_ADDRESS = TEMPORAL.address;
export const TEST_CLIENT_ID = 'test-client-id';
const TEST_CLIENT_SECRET = 'test-client-secret-value';

export interface Harness {
  simulator: RunningSimulator;
  admin: SimulatorAdmin;
  client: Client;
  native: NativeConnection;
  dependencies: WorkerDependencies;
  config: DependencyConfig;
  /** The environment a worker process (`worker-process.ts`) needs to join this harness. */
  workerEnv(taskQueue: string, extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Copies the simulator's accounts into `bytemark_tokens` (encrypted). */
  seedTokens(): Promise<Array<{ userId: number; email: string; password: string; token: string | null }>>;
  /** Runs `fn` while real workers poll a fresh task queue; returns its result. */
  withWorkers<T>(
    fn: (taskQueue: string, workers: Worker[]) => Promise<T>,
    options?: { rateLimitRps?: number },
  ): Promise<T>;
  /** Empties the test databases (guarded: `_test` only) and resets the simulator. */
  reset(seed?: { users: number; passesPerUser: number }): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  users: number;
  passesPerUser: number;
  seed?: number;
  firstUserId?: number;
  bytemarkTimeoutMs?: number;
  perPage?: number;
  notificationUrl?: string;
  slack?: { botToken: string; channelId: string; apiUrl: string };
  /** When a refreshed user is due again (default: the TTL − grace of the config, 55 minutes): hours in seconds. */
  dueAfterSeconds?: number;
}

/** A harness whose Slack Web API is a local recorder: `slack.requests` holds every post the service made. */
export type SlackRecordingHarness = Harness & { slack: HttpRecorder };

/** `openHarness` with Slack configured against a recorder, which `close()` stops too. */
export async function openHarnessRecordingSlack(
  options: Omit<HarnessOptions, 'slack'>,
): Promise<SlackRecordingHarness> {
  const slack = await startHttpRecorder();
  const harness = await openHarness({
    ...options,
    slack: { botToken: 'xoxb-test-bot-token', channelId: 'C123', apiUrl: slack.url },
  }).catch(async (error: unknown) => {
    await slack.close();
    throw error;
  });
  return {
    ...harness,
    slack,
    async close() {
      await harness.close();
      await slack.close();
    },
  };
}

export function uniqueTaskQueue(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}

export async function openHarness(options: HarnessOptions): Promise<Harness> {
  // The worker's logger setup (one error serializer), at warn unless LOG_LEVEL says otherwise.
  const logger = createLogger({ name: 'test-worker', env: { LOG_LEVEL: 'warn', ...process.env } });
  installRuntime({ logger });
  const seedParams = { seed: options.seed ?? 1, firstUserId: options.firstUserId ?? 1 };
  const simulator = await startSimulator({
    port: 0,
    ...seedParams,
    users: options.users,
    passesPerUser: options.passesPerUser,
    clientId: TEST_CLIENT_ID,
  });
  const admin = new SimulatorAdmin(simulator.url);
  const { mysqlUrl, mongoUrl } = testDatabaseUrls();
  // One set of variables configures this process's dependencies and the worker processes it starts,
  // through the worker's own loader; everything not set here (TTL, grace, free products) is the default.
  const variables: Record<string, string> = Object.fromEntries(
    Object.entries({
      MYSQL_URL: mysqlUrl,
      MONGO_URL: mongoUrl,
      BYTEMARK_CUSTOMER_API_URL: simulator.url,
      BYTEMARK_ACCOUNT_API_URL: simulator.url,
      BYTEMARK_CLIENT_ID: TEST_CLIENT_ID,
      BYTEMARK_CLIENT_SECRET: TEST_CLIENT_SECRET,
      BYTEMARK_TIMEOUT_MS: String(options.bytemarkTimeoutMs ?? 5000),
      BYTEMARK_PAGE_SIZE: String(options.perPage ?? 9999),
      BYTEMARK_RATE_LIMIT_RPS: '1000',
      TOKEN_ENCRYPTION_KEY: TEST_TOKEN_KEYRING,
      NOTIFICATION_URL: options.notificationUrl,
      SLACK_BOT_TOKEN: options.slack?.botToken,
      SLACK_CHANNEL_ID: options.slack?.channelId,
      SLACK_API_URL: options.slack?.apiUrl ?? 'http://127.0.0.1:9',
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const config: DependencyConfig = loadConfig(variables, DEPENDENCY_CONFIG_SECTIONS);
  // The in-process workers' settings: the same variables, the suite's Temporal, 20 activities at once,
  // and no shutdown grace (a test's end cancels what still runs instead of waiting for it).
  const workerConfig = loadConfig(
    { ...process.env, ...variables, WORKER_MAX_CONCURRENT_ACTIVITIES: '20', WORKER_SHUTDOWN_GRACE_SECONDS: '0' },
    WORKER_CONFIG_SECTIONS,
  );
  const dependencies = await buildDependencies(config, {
    maxConcurrentActivities: workerConfig.maxConcurrentActivities,
  });
  if (options.dueAfterSeconds !== undefined) {
    dependencies.deps.states = new TicketCacheStateRepository(dependencies.sequelize, {
      dueAfterSeconds: options.dueAfterSeconds,
    });
  }
  const client = await connectClient(TEMPORAL);
  const native = await connectWorker(TEMPORAL);
  // Workers of a test that timed out are still polling when `close()` runs: it stops them first, or
  // the native connection they hold keeps the test process (and the suite) from ever exiting.
  const running = new Map<Worker, Promise<void>>();

  const harness: Harness = {
    simulator,
    admin,
    client,
    native,
    dependencies,
    config,
    workerEnv(taskQueue, extra = {}) {
      return { ...process.env, ...variables, WORKER_TASK_QUEUE: taskQueue, ...extra };
    },
    async seedTokens() {
      const accounts = await admin.users();
      for (const a of accounts) await dependencies.deps.tokens.upsertAccount({ ...a, status: 'used' });
      return accounts;
    },
    async withWorkers(fn, workerOptions = {}) {
      const taskQueue = uniqueTaskQueue('wf');
      const { workers } = await startWorker({
        config: workerConfig,
        logger,
        taskQueue,
        dependencies,
        connection: native,
        rateLimitRps: workerOptions.rateLimitRps ?? 1000,
      });
      const runs = workers.map((w) => {
        const run = w.run().finally(() => running.delete(w));
        running.set(w, run);
        return run;
      });
      try {
        return await fn(taskQueue, workers);
      } finally {
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await Promise.all(runs);
      }
    },
    async reset(seed) {
      // Workflows a killed earlier run left on test queues would hold per-user workflow ids.
      for await (const wf of client.workflow.list({
        query: "ExecutionStatus = 'Running' AND TaskQueue STARTS_WITH 'test-'",
      })) {
        await client.workflow
          .getHandle(wf.workflowId, wf.runId)
          .terminate('left over from an earlier test run')
          .catch(() => undefined);
      }
      await truncateMysqlTables(dependencies.sequelize);
      await clearMongoCollections(dependencies.mongo);
      await admin.reset({
        ...seedParams,
        users: seed?.users ?? options.users,
        passesPerUser: seed?.passesPerUser ?? options.passesPerUser,
      });
    },
    async close() {
      await stopWorkers(running);
      await Promise.allSettled([client.connection.close(), native.close(), dependencies.close(), simulator.close()]);
    },
  };
  return harness;
}

/** Shuts down workers a timed-out test left running, waiting at most a few seconds for their in-flight tasks. */
async function stopWorkers(running: Map<Worker, Promise<void>>): Promise<void> {
  if (running.size === 0) return;
  for (const w of running.keys()) if (w.getState() === 'RUNNING') w.shutdown();
  const stopped = Promise.allSettled(running.values());
  await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
}
