import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusNotInstalledError, PrometheusServerError, PrometheusWaitTimeoutError } from './errors';

export interface StartPrometheusOptions {
  /** `host:port` addresses to scrape (each serving `/metrics`). */
  targets: string[];
  /** The `job` label of the targets. Default `bytemark-ticket-cache-worker`, the job the alert rules select. */
  jobName?: string;
  /** Scrape and rule-evaluation interval in seconds. Default 1. */
  scrapeIntervalSeconds?: number;
  /** Rule files to load (absolute paths), e.g. the shipped alert rules, to read `ALERTS` during a test. */
  ruleFiles?: string[];
  /** Default `/usr/bin/prometheus` (Debian's package). */
  binary?: string;
  /** How long to wait for `/-/ready`. Default 30 s. */
  startTimeoutMs?: number;
}

/** One series of an instant query's answer, its value as a number. */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** An instant query's answer: `samples` has one entry per vector element (a scalar gives one, without labels). */
export interface PromQueryResult {
  resultType: 'vector' | 'scalar' | 'matrix' | 'string';
  samples: PromSample[];
  /** The API's `data.result`, as returned. */
  raw: unknown;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Its temporary directory (config and data), removed by `stop()`. */
  readonly dir: string;
  /** Runs an instant query (`/api/v1/query`); a PromQL error throws with Prometheus's message. */
  query(expr: string): Promise<PromQueryResult>;
  /**
   * Repeats the query until `predicate` holds for its answer, and returns that answer. Gives up after `timeoutMs`
   * with the last answer and the scrape targets' health in the error.
   */
  waitFor(expr: string, predicate: (result: PromQueryResult) => boolean, timeoutMs: number): Promise<PromQueryResult>;
  /** The scrape targets with their health and last error (`/api/v1/targets`). */
  targets(): Promise<{ scrapeUrl: string; health: string; lastError: string }[]>;
  /** Kills Prometheus and removes its temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

const LOG_LINES = 30;

/**
 * Runs Prometheus under a shell that stops it once the test process is gone, even when `stop()` never ran (a test
 * that threw before it, Jest's forceExit, a killed run), and then removes its directory: no Prometheus outlives its
 * tests. SIGTERM to the shell stops Prometheus; the shell exits with Prometheus's status.
 */
const WATCHDOG = [
  'prom="$1"; shift',
  '"$prom" "$@" & child=$!',
  "trap 'kill -TERM $child 2>/dev/null' TERM INT",
  'while kill -0 "$WATCH_PID" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.2; done',
  'kill -TERM "$child" 2>/dev/null',
  'wait "$child"; status=$?',
  // Nobody is left to remove the temporary directory when the test process died.
  'kill -0 "$WATCH_PID" 2>/dev/null || rm -rf "$WATCH_DIR"',
  'exit $status',
].join('\n');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function toResult(data: { resultType: PromQueryResult['resultType']; result: unknown }): PromQueryResult {
  const { resultType, result } = data;
  let samples: PromSample[] = [];
  if (resultType === 'vector') {
    samples = (result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({
      labels: s.metric,
      value: Number(s.value[1]),
    }));
  } else if (resultType === 'scalar') {
    samples = [{ labels: {}, value: Number((result as [number, string])[1]) }];
  } else if (resultType === 'matrix') {
    samples = (result as { metric: Record<string, string>; values: [number, string][] }[]).map((s) => ({
      labels: s.metric,
      value: Number(s.values.at(-1)?.[1]),
    }));
  }
  return { resultType, samples, raw: result };
}

/**
 * Starts a real Prometheus on a free loopback port, scraping `targets` every second, with its own temporary data
 * directory, and resolves once it answers `/-/ready`. For tests: stop it with `stop()` (an exit of the test process
 * kills it too). Throws `PrometheusNotInstalledError` when the binary is missing.
 */
export async function startPrometheusServer(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const {
    targets,
    jobName = 'bytemark-ticket-cache-worker',
    scrapeIntervalSeconds = 1,
    ruleFiles = [],
    binary = '/usr/bin/prometheus',
    startTimeoutMs = 30_000,
  } = options;
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new PrometheusNotInstalledError(binary);
  }
  const dir = mkdtempSync(join(tmpdir(), 'btc-prometheus-'));
  const interval = `${scrapeIntervalSeconds}s`;
  // JSON is YAML: no YAML writer needed.
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: ruleFiles,
    scrape_configs: [{ job_name: jobName, metrics_path: '/metrics', static_configs: [{ targets }] }],
  };
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));

  // A port found free can be taken before Prometheus binds it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch({ binary, dir, port, startTimeoutMs });
    } catch (error) {
      lastError = error;
      if (!(error instanceof PrometheusServerError && /address already in use/.test(error.log))) break;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

async function launch({
  binary,
  dir,
  port,
  startTimeoutMs,
}: {
  binary: string;
  dir: string;
  port: number;
  startTimeoutMs: number;
}): Promise<PrometheusServer> {
  const url = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, `data-${port}`)}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=1h',
    '--log.level=warn',
  ];
  const child: ChildProcess = spawn('/bin/sh', ['-c', WATCHDOG, 'prometheus-watchdog', binary, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, WATCH_PID: String(process.pid), WATCH_DIR: dir },
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    log.push(...chunk.split('\n').filter((l) => l.trim() !== ''));
    log.splice(0, Math.max(0, log.length - LOG_LINES));
  });
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    }),
  );
  child.once('error', (error) => {
    exited = `could not be started: ${error.message}`;
  });
  // SIGTERM, not SIGKILL: the watchdog shell must live to stop Prometheus.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(join(dir, `data-${port}`), { recursive: true, force: true });
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new PrometheusServerError(`prometheus ${exited} before it was ready on ${url}`, log.join('\n'));
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new PrometheusServerError(`prometheus was not ready on ${url} within ${startTimeoutMs} ms`, log.join('\n'));
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; errorType?: string; error?: string };
    if (body.status !== 'success') {
      throw new PrometheusServerError(`${path}: ${body.errorType ?? 'error'}: ${body.error ?? response.status}`, '');
    }
    return body.data;
  };
  const query = async (expr: string): Promise<PromQueryResult> =>
    toResult(await api(`/api/v1/query?query=${encodeURIComponent(expr)}`));
  const targets = async () =>
    (
      await api<{ activeTargets: { scrapeUrl: string; health: string; lastError: string }[] }>('/api/v1/targets')
    ).activeTargets.map(({ scrapeUrl, health, lastError }) => ({ scrapeUrl, health, lastError }));

  return {
    url,
    port,
    dir,
    query,
    targets,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    waitFor: async (expr, predicate, timeoutMs) => {
      const until = Date.now() + timeoutMs;
      let last: PromQueryResult | undefined;
      for (;;) {
        last = await query(expr);
        if (predicate(last)) return last;
        if (Date.now() > until) {
          const health = await targets().catch((error: unknown) => String(error));
          throw new PrometheusWaitTimeoutError(expr, timeoutMs, JSON.stringify(last.raw), JSON.stringify(health));
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}
