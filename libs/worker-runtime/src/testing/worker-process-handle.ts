import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Harness } from './harness';

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the worker polls. */
  ready: Promise<void>;
  /** The exit code, 137 when killed by a signal. */
  exited: Promise<number | null>;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** Everything the process wrote to stdout and stderr so far (with `captureOutput`; else empty). */
  output(): string;
}

export interface WorkerProcessOptions {
  /** Keep stdout and stderr for `output()` instead of passing stderr through to the test's. */
  captureOutput?: boolean;
}

/**
 * A real worker in its own process (`worker-process.ts`) joined to the harness, on `taskQueue`.
 * One process (tsx as a loader, not the tsx CLI, which would run the worker as a child): SIGKILL
 * must kill the worker itself.
 */
export function startWorkerProcess(
  h: Harness,
  taskQueue: string,
  extraEnv: Record<string, string> = {},
  options: WorkerProcessOptions = {},
): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'worker-process.ts')], {
    env: h.workerEnv(taskQueue, extraEnv),
    stdio: ['ignore', 'pipe', options.captureOutput ? 'pipe' : 'inherit'],
  });
  let output = '';
  if (options.captureOutput) {
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker-ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker process exited before ready (${code})`)));
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? 137 : code)),
  );
  return {
    child,
    ready,
    exited,
    async kill() {
      // No graceful stop needed; a worker still draining would hold this process's pipes open.
      child.kill('SIGKILL');
      await exited;
    },
    output: () => output,
  };
}
