export { WORKER_CONFIG_SECTIONS, type WorkerConfig } from './worker-config';
export {
  DEPENDENCY_CONFIG_SECTIONS,
  activitiesFrom,
  buildDependencies,
  type BuildDependenciesOptions,
  type DependencyConfig,
  type WorkerDependencies,
} from './dependencies';
export {
  BYTEMARK_CALLS_PER_REFRESH,
  MAX_CACHED_WORKFLOWS,
  createWorkers,
  runWorkers,
  type CreateWorkersOptions,
} from './workers';
export { bytemarkLogger, temporalLogger } from './loggers';
export { installRuntime, type RuntimeOptions } from './runtime';
export { connectWorker } from './connect-worker';
export { startWorker, type StartWorkerOptions, type StartedWorker } from './start-worker';
