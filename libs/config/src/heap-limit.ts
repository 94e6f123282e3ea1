/**
 * The worker's V8 heap limit as shipped (`node --max-old-space-size` in the Dockerfile's worker target, the
 * Helm chart's `worker.heapMb`, `npm run worker` and the bench's default). Without it V8 sizes the old space
 * from the machine's memory (about 4 GB here) and collects lazily: the worker's RSS then grew with the
 * population (461 MB at 10,000 users, 766 MB at 50,000), though what it holds does not (bench/README.md, the
 * scale series). The
 * bench's series measures the RSS this gives at each population.
 */
export const WORKER_HEAP_MB = 256;
