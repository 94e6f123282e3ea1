export { runBaselineHourlyJob, type BaselineDeps, type BaselineResult } from './baseline-hourly-job';
export { DEFAULT_OPTIONS, QUICK_OPTIONS, SERIES_USERS, type BenchOptions } from './options';
export type { PhaseName, PhaseResult } from './phases/phase-result';
export { runBenchmark, resolveOptions, type BenchmarkResult, type Ratios, type RunOptions } from './run-benchmark';
export { startWorkerProcess, type WorkerHandle } from './worker-handle';
