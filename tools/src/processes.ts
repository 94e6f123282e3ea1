import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { dataDir } from './paths';

export class StackError extends Error {
  readonly type = 'stack';
}

interface PidRecord {
  pid: number;
  binary: string;
  startedAt: string;
}

const pidDir = join(dataDir, 'pids');

export function logFile(name: string): string {
  return join(dataDir, 'logs', `${name}.log`);
}

function pidFile(name: string): string {
  return join(pidDir, `${name}.pid`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The recorded process of a component, if it is still running the binary we started. */
export function recordedProcess(name: string): PidRecord | null {
  const file = pidFile(name);
  if (!existsSync(file)) return null;
  const record = JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  if (!isAlive(record.pid)) return null;
  try {
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    if (!cmdline.includes(record.binary.split('/').pop() ?? record.binary)) return null;
  } catch {
    // no /proc (macOS): trust the pid
  }
  return record;
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function tailOf(file: string, lines = 12): string {
  if (!existsSync(file)) return '(no log yet)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Starts a component detached from this process, logging to `.data/logs/<name>.log`, and records its pid. */
export function startDetached(
  name: string,
  binary: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): PidRecord {
  mkdirSync(pidDir, { recursive: true });
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const out = openSync(logFile(name), 'a');
  const child = spawn(binary, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  if (child.pid === undefined) throw new StackError(`could not start ${name} (${binary}); see ${logFile(name)}`);
  child.unref();
  const record = { pid: child.pid, binary, startedAt: new Date().toISOString() };
  writeFileSync(pidFile(name), JSON.stringify(record));
  return record;
}

/**
 * Signals a recorded component's process group: it was started detached, so it leads its own group,
 * and whatever it started itself goes with it. Falls back to the pid alone.
 */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Stops exactly the process `up` recorded (and its group): SIGTERM, then SIGKILL after the grace period. */
export async function stopRecorded(
  name: string,
  graceMs = 10_000,
): Promise<'stopped' | 'killed after the grace period' | 'not-running'> {
  const record = recordedProcess(name);
  rmSync(pidFile(name), { force: true });
  if (!record) return 'not-running';
  signalGroup(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(record.pid) && Date.now() < deadline) await sleep(100);
  if (!isAlive(record.pid)) return 'stopped';
  signalGroup(record.pid, 'SIGKILL');
  return 'killed after the grace period';
}

/** SIGKILL for a recorded process and its group, at once (a forced stop). */
export function killRecorded(name: string): 'killed' | 'not-running' {
  const record = recordedProcess(name);
  rmSync(pidFile(name), { force: true });
  if (!record) return 'not-running';
  signalGroup(record.pid, 'SIGKILL');
  return 'killed';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it passes; fails with the log's tail if the process dies or time runs out.
 */
export async function waitHealthy(
  name: string,
  pid: number | null,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (pid !== null && !isAlive(pid)) {
      throw new StackError(`${name} exited during start-up. Log: ${logFile(name)}\n${tailOf(logFile(name))}`);
    }
    if (Date.now() > deadline) {
      throw new StackError(
        `${name} was not healthy after ${timeoutMs / 1000} s. Log: ${logFile(name)}\n${tailOf(logFile(name))}`,
      );
    }
    await sleep(250);
  }
}
