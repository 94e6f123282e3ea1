/**
 * The infrastructure faults: the worker process SIGKILLed and started again, FerretDB stopped by its
 * pid file and started again the way the local stack starts it (same binary, arguments and data dir),
 * and `KILL CONNECTION` of the worker's MariaDB connections (found by matching the worker's sockets
 * to `information_schema.PROCESSLIST`).
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { Connection as MysqlConnection } from 'mysql2/promise';
import { startWorkerProcess, type WorkerHandle } from '@btc/bench';
import { recordedProcess, stackDown, stackUp } from '@btc/tools';
import type { Log } from './environment';

/** The campaign's worker process: started, SIGKILLed, started again. */
export class WorkerSupervisor {
  private handle: WorkerHandle | null = null;
  /** Worker processes started so far (the first included). */
  starts = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: Log,
  ) {}

  get pid(): number | null {
    return this.handle?.pid ?? null;
  }

  /** The running worker's pid, waiting (up to `timeoutMs`) while it is being restarted. */
  async runningPid(timeoutMs = 30_000): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.handle === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return this.pid;
  }

  /**
   * Starts a worker process and waits until it polls. A start can fail while another fault is on
   * (FerretDB restarting: the worker cannot connect and exits); it is tried again, as a process
   * supervisor would, for up to a minute.
   */
  async start(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        this.handle = await startWorkerProcess(this.env, () => undefined);
        this.starts += 1;
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        this.log(
          `worker start failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); again in 1 s`,
        );
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** SIGKILL (no shutdown, no draining: what an OOM kill or a lost node does), then a new process. */
  async killAndRestart(): Promise<{ killedPid: number; restartMs: number }> {
    const handle = this.handle;
    if (!handle) throw new Error('no worker process to kill');
    this.handle = null;
    process.kill(handle.pid, 'SIGKILL');
    await handle.stop(); // returns once the killed process is reaped
    const t0 = performance.now();
    await this.start();
    return { killedPid: handle.pid, restartMs: performance.now() - t0 };
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
    this.handle = null;
  }
}

/**
 * Stops FerretDB by its pid file (SIGTERM, SIGKILL after the grace period) and starts it again through
 * the stack's own runner, which starts what is not running with the same binary, arguments and data
 * dir. Refuses a FerretDB the stack did not start (it would not come back).
 */
export async function restartFerretDb(log: Log): Promise<{ downMs: number }> {
  if (!recordedProcess('ferretdb')) {
    throw new Error(
      'FerretDB was not started by the local stack (no live pid file); it cannot be restarted the same way',
    );
  }
  const quiet = () => undefined;
  const t0 = performance.now();
  await stackDown(quiet, ['ferretdb']);
  try {
    await stackUp(quiet);
  } catch (error) {
    log(`FerretDB did not come back at once (${error instanceof Error ? error.message : String(error)}); retrying`);
    await stackUp(quiet);
  }
  return { downMs: performance.now() - t0 };
}

/** Makes sure the stack (FerretDB above all) is up: after a run that stopped midway. */
export async function ensureStackUp(log: Log): Promise<void> {
  await stackUp(log);
}

/** Local TCP ports of the process's sockets connected to port `remotePort` (from /proc). */
export function processTcpPorts(pid: number, remotePort: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith('socket:[')) inodes.add(link.slice('socket:['.length, -1));
    } catch {
      // closed meanwhile
    }
  }
  const remoteHex = `:${remotePort.toString(16).toUpperCase().padStart(4, '0')}`;
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, remote, inode] = [fields[1], fields[2], fields[9]];
      if (!local || !remote || !inode || !inodes.has(inode) || !remote.endsWith(remoteHex)) continue;
      ports.add(parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
    }
  }
  return ports;
}

/**
 * `KILL CONNECTION` of every MariaDB connection the worker process holds to a `_chaos` database.
 * Returns how many were killed.
 */
export async function killWorkerMysqlConnections(killer: MysqlConnection, workerPid: number): Promise<number> {
  const ports = processTcpPorts(workerPid, 3306);
  if (ports.size === 0) return 0;
  const [rows] = await killer.query(
    'SELECT ID, HOST, DB FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()',
  );
  let killed = 0;
  for (const row of rows as Array<{ ID: number; HOST: string; DB: string | null }>) {
    const port = Number(row.HOST.slice(row.HOST.lastIndexOf(':') + 1));
    if (!ports.has(port) || !(row.DB ?? '').endsWith('_chaos')) continue;
    try {
      await killer.query(`KILL CONNECTION ${Number(row.ID)}`);
      killed += 1;
    } catch {
      // already gone
    }
  }
  return killed;
}
