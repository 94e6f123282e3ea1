import type { Server } from 'node:http';
import type { ActivityInterceptorsFactory, NativeConnection, Worker } from '@temporalio/worker';
import { Registry } from 'prom-client';
import type { Logger } from '@btc/config';
import { connectWorker } from './connect-worker';
import { activitiesFrom, buildDependencies, type WorkerDependencies } from './dependencies';
import { startHealthServer } from './health-server';
import { startMetricsServer } from './metrics/metrics-server';
import { createWorkerMetrics } from './metrics/worker-metrics';
import type { WorkerConfig } from './worker-config';
import { createWorkers, runWorkers } from './workers';

export interface StartWorkerOptions {
  config: WorkerConfig;
  logger: Logger;
  taskQueue: string;
  /** The prebuilt workflow bundle (production); without it the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** Another workflow entry point (the bench's ceiling). */
  workflowsPath?: string;
  /** Dependencies built by the caller (the test harness), which closes them; otherwise built here and closed on stop. */
  dependencies?: WorkerDependencies;
  /** A connection of the caller's (the test harness shares one); otherwise opened here and closed on stop. */
  connection?: NativeConnection;
  /** Adjusts the dependencies before the activities are made from them (crash points, write counters). */
  prepare?: (dependencies: WorkerDependencies) => void;
  /** Other activities than the service's (the bench's no-op ceiling); then no database is connected. */
  activities?: { bytemark: object; ticketCache: object };
  extraActivityInterceptors?: ActivityInterceptorsFactory[];
  /** Before polling: refuse to start when the key cannot decrypt the stored tokens (the reason goes in the error). */
  checkKeyring?: string;
  /** Serve `/livez` `/readyz` on `config.healthPort` and `/metrics` on `config.metricsPort` (0: not served). */
  serve?: boolean;
  /** The SDK's Prometheus exporter that `/metrics` appends (`installRuntime`'s `sdkMetricsAddress`). */
  sdkMetricsAddress?: string;
  /** Instead of `config.bytemark.rateLimitRps` (tests). */
  rateLimitRps?: number;
}

export interface StartedWorker {
  workers: [Worker, Worker];
  /** Null with the bench's own activities. */
  dependencies: WorkerDependencies | null;
  /** Runs until the workers stop (a shutdown signal, `shutdown()`, a fatal error), then closes what start opened. */
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * The one worker bootstrap, for the worker app, the test harness, the test and bench worker
 * processes and the chaos campaign: dependencies, the Temporal connection, the two workers (with the
 * activity interceptors and the shutdown times of the config), health and metrics. What it opened it
 * closes, also when the start fails half-way (an open pool would keep the process alive).
 * `installRuntime` must have run first.
 */
export async function startWorker(options: StartWorkerOptions): Promise<StartedWorker> {
  const { config } = options;
  const owned: Array<() => Promise<unknown>> = [];
  const closeOwned = () => Promise.allSettled(owned.reverse().map((close) => close()));
  try {
    let dependencies: WorkerDependencies | null = options.dependencies ?? null;
    if (!options.activities && !dependencies) {
      const metrics = createWorkerMetrics({
        logger: options.logger,
        dbReadIntervalMs: config.metricsDbReadSeconds * 1000,
      });
      const built = await buildDependencies(config, {
        logger: options.logger,
        metrics,
        maxConcurrentActivities: config.maxConcurrentActivities,
      });
      owned.push(() => built.close());
      dependencies = built;
    }
    if (dependencies) options.prepare?.(dependencies);
    if (dependencies && options.checkKeyring)
      await dependencies.deps.tokens.assertKeyringDecrypts(options.checkKeyring);
    let connection = options.connection;
    if (!connection) {
      const opened = await connectWorker(config.temporal);
      owned.push(() => opened.close());
      connection = opened;
    }
    const workers = await createWorkers({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: options.taskQueue,
      activities: options.activities ?? activitiesFrom(dependencies!),
      rateLimitRps: options.rateLimitRps ?? config.bytemark.rateLimitRps,
      maxConcurrentActivities: config.maxConcurrentActivities,
      shutdown: config.shutdown,
      ...(options.workflowBundlePath ? { workflowBundlePath: options.workflowBundlePath } : {}),
      ...(options.workflowsPath ? { workflowsPath: options.workflowsPath } : {}),
      ...(options.extraActivityInterceptors ? { extraActivityInterceptors: options.extraActivityInterceptors } : {}),
    });
    if (options.serve) {
      const servers: Server[] = [];
      if (config.healthPort > 0) servers.push(await startHealthServer(workers, config.healthPort));
      if (config.metricsPort > 0) {
        servers.push(
          await startMetricsServer({
            // The bench's own activities report nothing: an empty registry, the SDK's series only.
            registry: dependencies?.metrics.registry ?? new Registry(),
            port: config.metricsPort,
            ...(options.sdkMetricsAddress ? { sdkMetricsUrl: `http://${options.sdkMetricsAddress}/metrics` } : {}),
          }),
        );
      }
      owned.push(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));
    }
    return {
      workers,
      dependencies,
      async run() {
        try {
          await runWorkers(workers);
        } finally {
          await closeOwned();
        }
      },
      shutdown() {
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      },
    };
  } catch (error) {
    await closeOwned();
    throw error;
  }
}
