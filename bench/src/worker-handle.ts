/** Starts a bench worker process (worker-process.ts), samples its memory, and stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { WriteCounts } from './write-counter';

export interface WorkerCounts {
  writes: WriteCounts;
  heartbeats: number;
}

export interface WorkerHandle {
  pid: number;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** MongoDB writes per user ('ours' only) and activity heartbeat calls, counted in the worker since it started. */
  counts(): Promise<WorkerCounts>;
  stop(): Promise<void>;
}

const REPO_ROOT = join(__dirname, '..', '..');

/** Every worker process started and not yet exited: an interrupted bench stops them (`killWorkerProcesses`). */
const live = new Set<ChildProcess>();

/** Sends SIGTERM to every bench worker still running and waits (at most `graceMs`) for them to exit. */
export async function killWorkerProcesses(graceMs = 5_000): Promise<number> {
  const children = [...live];
  const exits = children.map((child) => new Promise<void>((resolve) => child.once('exit', () => resolve())));
  for (const child of children) child.kill('SIGTERM');
  const timer = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), graceMs);
  await Promise.all(exits);
  clearTimeout(timer);
  return children.length;
}

function readVm(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

export async function startWorkerProcess(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<WorkerHandle> {
  // `node --import tsx` (not the tsx CLI, which would spawn a second process) so the pid is the worker's.
  // BENCH_WORKER_NODE_ARGS: extra node flags for profiling (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const nodeArgs = (process.env['BENCH_WORKER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', join(__dirname, 'worker-process.ts')],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid!;
  live.add(child);
  child.once('exit', () => live.delete(child));
  let peak = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const waiters: Array<(line: string) => boolean> = [];
  lines.on('line', (line) => {
    const i = waiters.findIndex((w) => w(line));
    if (i >= 0) waiters.splice(i, 1);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const waitLine = (prefix: string, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker: no '${prefix}' within ${timeoutMs} ms; stderr: ${stderr}`)),
        timeoutMs,
      );
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`worker exited before '${prefix}'; stderr: ${stderr}`));
      });
      waiters.push((line) => {
        if (!line.startsWith(prefix)) return false;
        clearTimeout(timer);
        resolve(line.slice(prefix.length).trim());
        return true;
      });
    });
  // VmHWM is the kernel's own peak; the poll is a fallback where it is missing.
  const poll = setInterval(() => (peak = Math.max(peak, readVm(pid, 'VmRSS'))), 500);
  poll.unref();
  try {
    await waitLine('worker-ready', 120_000);
  } catch (error) {
    clearInterval(poll);
    child.kill('SIGKILL');
    throw error;
  }
  log(`worker ${env['BENCH_WORKER_KIND']} ready (pid ${pid})`);
  return {
    pid,
    peakRssMb: () => Math.max(peak, readVm(pid, 'VmHWM')),
    async counts() {
      const reply = waitLine('counts ', 10_000);
      child.kill('SIGUSR2');
      return JSON.parse(await reply) as WorkerCounts;
    },
    async stop() {
      clearInterval(poll);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
