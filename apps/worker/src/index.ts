export { LOCAL_DEV_ENCRYPTION_KEY, loadWorkerConfig, type WorkerConfig } from './config';
export { activitiesFrom, buildDependencies, type DependencyConfig, type WorkerDependencies } from './dependencies';
export { createWorkers, runWorkers, type CreateWorkersOptions } from './workers';
