/**
 * `npm run chaos`: a sweep of 1,000 users under Bytemark faults, worker SIGKILLs, a FerretDB restart
 * and MariaDB connection kills, compared with a clean run. Loopback only; stops by itself (time limit).
 * Exits 1 when a target is missed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ensureStackUp } from './infra-faults';
import { resolveOptions, type RunOptions } from './options';
import { formatReport } from './report';
import { runCampaign } from './run-campaign';
import { formatError, knownSecrets } from '@btc/config';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be an integer ≥ 0');
  return n;
};
const positive = (v: string) => {
  const n = int(v);
  if (n === 0) throw new InvalidArgumentError('must be positive');
  return n;
};
const fraction = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
};

const RESULTS_DIR = join(__dirname, '..', '..', '.data', 'chaos', 'results');

const program = new Command('chaos')
  .description(
    'Fault campaign: the hourly sweep under Bytemark faults, worker kills, a FerretDB restart and MariaDB kills',
  )
  .option('--users <n>', 'token users (default 1000)', positive)
  .option('--passes <n>', 'passes per user (default 5)', positive)
  .option('--seed <n>', 'seeds the simulator, the population and the fault plan (default 1)', int)
  .option('--latency-ms <ms>', 'simulated Bytemark latency per call during the chaos sweep (default 50)', int)
  .option('--fault-share <f>', 'share of users each kind of Bytemark fault reaches (default 0.03)', fraction)
  .option('--worker-kills <n>', 'worker SIGKILLs during the sweep (default 3)', int)
  .option('--ferret-restarts <n>', 'FerretDB restarts during the sweep (default 1)', int)
  .option('--mysql-kill-rounds <n>', 'rounds of KILL CONNECTION over the worker connections (default 4)', int)
  .option('--max-in-flight <n>', 'users refreshed at once per batch (default 25)', positive)
  .option('--batch-size <n>', 'users per batch workflow (default 200)', positive)
  .option('--time-limit-minutes <n>', 'the campaign stops after this long (default 20)', positive)
  .option('--small', 'the version npm test runs: 100 users, one worker kill, one FerretDB restart')
  .action(async (options: RunOptions) => {
    const log = (line: string) => process.stdout.write(`[chaos] ${line}\n`);
    // Whatever stops the campaign early leaves FerretDB running: an interrupt, or a step that outlives
    // the time limit (every wait on Temporal is bounded by it; this is the backstop).
    const bail = async (why: string, code: number) => {
      log(`${why}: making sure the stack (FerretDB) is up, then exiting`);
      await ensureStackUp(log).catch(() => undefined);
      process.exit(code);
    };
    process.once('SIGINT', () => void bail('interrupted', 130));
    process.once('SIGTERM', () => void bail('terminated', 143));
    const limitMs = (resolveOptions(options).timeLimitMinutes + 5) * 60_000;
    setTimeout(() => void bail('still running 5 minutes past the time limit', 1), limitMs).unref();
    const result = await runCampaign(options, log);
    process.stdout.write(`\n${formatReport(result)}\n`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `${result.startedAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    process.stdout.write(`results: ${file}\n`);
    process.exitCode = result.problems.length === 0 ? 0 : 1;
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${formatError(error, { secrets: knownSecrets(process.env) }).join('\n')}\n`);
  process.exit(1);
});
