/**
 * `npm run bench`: baseline (the original sequential job) vs ours (the hourly sweep) vs ceiling
 * (no-op workflows of the same shape). `--series` runs 500, 2,000 and 10,000 users.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { scaleChartSvg } from './chart';
import { ensureStack, stopStack } from './environment';
import { killWorkerProcesses } from './worker-handle';
import { SERIES_USERS } from './options';
import { printReport, RESULTS_DIR, seriesTable, writeResults } from './report';
import { runBenchmark, type BenchmarkResult, type RunOptions } from './run-benchmark';
import { formatError, knownSecrets } from '@btc/config';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};
const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
};
const fraction = (v: string) => {
  const n = num(v);
  if (n > 1) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
};

/** Set on SIGINT/SIGTERM: what fails after it is the stop, not an error to report. */
let interrupted = false;

const program = new Command('bench')
  .description('Benchmark: the original sequential hourly job vs the Temporal sweep vs a no-op ceiling')
  .option('--users <n>', 'token users (default 500)', int)
  .option('--passes <n>', 'passes per user (default 5)', int)
  .option('--latency-ms <ms>', 'simulated Bytemark latency per call (default 50)', num)
  .option('--rate <rps>', 'Bytemark rate limit: simulator and worker (default 400)', int)
  .option('--changed-fraction <f>', 'share of users whose passes changed (default 0.1)', fraction)
  .option('--max-in-flight <n>', 'users refreshed at once per batch (default 25)', int)
  .option('--batch-size <n>', 'users per batch workflow (default 200)', int)
  .option('--batches-in-flight <n>', 'batch workflows at once (default 2)', int)
  .option('--workers <n>', "worker processes of the 'ours' phase, sharing the rate limit (default 1)", int)
  .option(
    '--ceiling-shape <shape>',
    'batch | child-per-user-v1 | child-per-user-local | child-per-user-one (default batch)',
    (v) => {
      if (!['batch', 'child-per-user-v1', 'child-per-user-local', 'child-per-user-one'].includes(v)) {
        throw new InvalidArgumentError('must be batch, child-per-user-v1, child-per-user-local or child-per-user-one');
      }
      return v;
    },
  )
  .option('--baseline-max-users <n>', 'users the sequential baseline runs over (default 100)', int)
  .option('--max-concurrent-activities <n>', 'WORKER_MAX_CONCURRENT_ACTIVITIES of the bench workers (default 50)', int)
  .option(
    '--worker-heap-mb <mb>',
    "the bench workers' V8 heap limit (--max-old-space-size; default: the worker's shipped WORKER_HEAP_MB, 256)",
    int,
  )
  .option('--on-demand-rate <rps>', 'Bytemark limit of the on-demand phase (default 20, the service default)', int)
  .option('--on-demand-latency-ms <ms>', 'Bytemark latency per call in the on-demand phase (default 100)', num)
  .option(
    '--on-demand-requests <n>',
    'riders measured idle and during the sweep (default 40; 0 skips the phase)',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be an integer ≥ 0');
      return n;
    },
  )
  .option('--sizes <list>', 'user counts of --series (default 500,2000,10000)', (v) => v.split(',').map(int))
  .option('--quick', 'a tiny run (20 users) for CI smoke')
  .option('--series', 'the scale series: 500, 2,000 and 10,000 users')
  .action(async (opts: RunOptions & { series?: boolean; sizes?: number[] }) => {
    const { series, sizes: seriesSizes, ...options } = opts;
    const sizes = series ? (seriesSizes ?? [...SERIES_USERS]) : [options.users];
    const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
    const log = (line: string) => console.log(`[bench] ${line}`);
    const started = await ensureStack(log);
    // Ctrl-C or a SIGTERM: the worker processes and the stack this run started stop with it (a second signal forces).
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        interrupted = true;
        process.once(signal, () => process.exit(130));
        log(`${signal}: stopping the worker processes and what this run started`);
        void killWorkerProcesses()
          .then((n) => log(`stopped ${n} worker process${n === 1 ? '' : 'es'}`))
          .then(() => stopStack(log, started))
          .finally(() => process.exit(130));
      });
    }
    const runs: BenchmarkResult[] = [];
    let file = '';
    try {
      for (const users of sizes) {
        const result = await runBenchmark({ ...options, users }, log);
        runs.push(result);
        printReport(result);
        file = writeResults({ command, runs }); // after every size, so a long series keeps what it measured
      }
    } finally {
      await stopStack(log, started);
    }
    if (runs.length > 1) {
      console.log(`\nscale series\n\n${seriesTable(runs)}`);
      writeFileSync(join(RESULTS_DIR, 'scale.svg'), scaleChartSvg(runs));
      console.log(`\nchart: ${join(RESULTS_DIR, 'scale.svg')}`);
    }
    console.log(`results: ${file} (and latest.json)`);
  });

program.parseAsync().catch((error: unknown) => {
  if (interrupted) return; // the run failed because it is being stopped: the signal handler exits
  for (const line of formatError(error, { secrets: knownSecrets(process.env) })) console.error(line);
  process.exit(1);
});
