export { WORKER_CONFIG_SECTIONS, type WorkerConfig } from './worker-config';
export {
  DEPENDENCY_CONFIG_SECTIONS,
  MYSQL_POOL_HEADROOM,
  activitiesFrom,
  buildDependencies,
  mysqlPoolSize,
  type BuildDependenciesOptions,
  type DependencyConfig,
  type WorkerDependencies,
} from './dependencies';
export { MAX_CACHED_WORKFLOWS, createWorkers, runWorkers, type CreateWorkersOptions } from './workers';
export { bytemarkLogger, temporalLogger } from './loggers';
export {
  DEFAULT_DB_READ_INTERVAL_MS,
  createWorkerMetrics,
  type RefreshObservation,
  type WorkerMetrics,
  type WorkerMetricsOptions,
} from './metrics/worker-metrics';
export { installRuntime, type RuntimeOptions } from './runtime';
export { connectWorker } from './connect-worker';
export { startWorker, type StartWorkerOptions, type StartedWorker } from './start-worker';
