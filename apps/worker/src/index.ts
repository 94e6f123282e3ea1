export { WORKER_CONFIG_SECTIONS, type WorkerConfig } from './config';
export {
  DEPENDENCY_CONFIG_SECTIONS,
  activitiesFrom,
  buildDependencies,
  type DependencyConfig,
  type WorkerDependencies,
} from './dependencies';
export { createWorkers, runWorkers, type CreateWorkersOptions } from './workers';
