import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import { repoRoot } from './paths';
import { isAlive, portOpen } from './processes';

/** A port nothing listens on now (the kernel's pick). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const DATABASES = ['bytemark_start_spec', 'bytemark_start_spec_test'];

async function dropDatabases(): Promise<void> {
  const conn = await createMysqlConnection({ uri: 'mysql://root@127.0.0.1:3306', connectTimeout: 2000 });
  try {
    for (const db of DATABASES) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  } finally {
    await conn.end();
  }
}

interface RunningStart {
  child: ChildProcess;
  output: () => string;
  /** npm's exit: it waits for its script, then ends as its script did or by the signal it got (npm's own way). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ports: Record<string, number>;
  dataDir: string;
}

/**
 * `npm start` beside whatever stack runs here: its own ports (Temporal, its UI, FerretDB, the
 * simulator, the worker's health and metrics), its own data directory and databases, in its own
 * process group as a terminal's foreground job is. Resolves once it says "Press Ctrl-C to stop".
 */
async function startNpmStart(): Promise<RunningStart> {
  const ports = {
    temporal: await freePort(),
    temporalUi: await freePort(),
    ferretdb: await freePort(),
    simulator: await freePort(),
    health: await freePort(),
    metrics: await freePort(),
    sdkMetrics: await freePort(),
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'btc-start-spec-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BTC_TEMPORAL_PORT: String(ports.temporal),
    BTC_TEMPORAL_UI_PORT: String(ports.temporalUi),
    BTC_FERRETDB_PORT: String(ports.ferretdb),
    BTC_SIMULATOR_PORT: String(ports.simulator),
    BTC_DATA_DIR: dataDir,
    BTC_DEV_DATABASE: DATABASES[0],
    BTC_TEST_DATABASE: DATABASES[1],
    WORKER_HEALTH_PORT: String(ports.health),
    WORKER_METRICS_PORT: String(ports.metrics),
    WORKER_SDK_METRICS_ADDRESS: `127.0.0.1:${ports.sdkMetrics}`,
    DEMO_USERS: '3',
    DEMO_PASSES: '2',
  };
  // Its own dev server has the default namespace only.
  delete env['TEMPORAL_NAMESPACE'];
  let out = '';
  const child = spawn('npm', ['start'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 150_000;
  while (!out.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, output: () => out, exited, ports, dataDir };
}

/** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
const ctrlC = (run: RunningStart) => process.kill(-(run.child.pid as number), 'SIGINT');

const openPorts = async (ports: Record<string, number>) => {
  const open: string[] = [];
  for (const [name, port] of Object.entries(ports)) if (await portOpen(port)) open.push(`${name} ${port}`);
  return open;
};

/** A process that still runs: alive and not a zombie waiting for its new parent to reap it. */
function running(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pids `npm start`'s stack recorded (Temporal, FerretDB), read before they are removed. */
const recordedPids = (dataDir: string) =>
  ['temporal', 'ferretdb'].map(
    (name) => (JSON.parse(readFileSync(join(dataDir, 'pids', `${name}.pid`), 'utf8')) as { pid: number }).pid,
  );

/** The pid of the process in `pgid`'s group whose command line contains `needle`. */
async function findChild(pgid: number, needle: string): Promise<number | undefined> {
  const { readdirSync } = await import('node:fs');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ');
      if (Number(stat?.[2]) !== pgid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** The recorded pids still on disk (a stop that never ran leaves them), for the test's own clean-up. */
function recordedPidsIfAny(dataDir: string): number[] {
  try {
    return recordedPids(dataDir);
  } catch {
    return [];
  }
}

/** Whatever a failed run left: its process group, and the Temporal server and FerretDB it recorded. */
function cleanUp(run: RunningStart): void {
  if (run.child.exitCode === null && run.child.signalCode === null) process.kill(-(run.child.pid as number), 'SIGKILL');
  for (const pid of recordedPidsIfAny(run.dataDir)) if (running(pid)) process.kill(pid, 'SIGKILL');
  rmSync(run.dataDir, { recursive: true, force: true });
}

/**
 * Runs in the suite beside the shared stack: every port is one nothing listens on. Needs MariaDB on
 * 3306 and the local stack's tools (as `npm start` does).
 */
describe('npm start, then Ctrl-C', () => {
  jest.setTimeout(240_000);
  beforeEach(() => dropDatabases());
  afterAll(() => dropDatabases());

  it('one Ctrl-C stops the worker, the simulator, the Temporal dev server and FerretDB it started, and says so', async () => {
    const run = await startNpmStart();
    try {
      const pids = recordedPids(run.dataDir);
      const sent = Date.now();
      ctrlC(run);
      const exit = await run.exited;
      const seconds = (Date.now() - sent) / 1000;
      console.log(`npm start ended ${seconds.toFixed(1)} s after Ctrl-C (${JSON.stringify(exit)})`);
      expect([exit.code === 0, exit.signal === 'SIGINT']).toContain(true);
      // Everything is down by the time npm hands the terminal back.
      expect(await openPorts(run.ports)).toEqual([]);
      expect(pids.filter(running)).toEqual([]);
      const lines = run
        .output()
        .split('\n')
        .filter((l) => l.startsWith('[start]'));
      expect(lines).toEqual(
        expect.arrayContaining([
          '[start] SIGINT: stopping everything npm start started (Ctrl-C again to force)...',
          '[start] worker: stopped',
          `[start] simulator (${run.ports.simulator}): stopped`,
          `[start] temporal (${run.ports.temporal}, UI ${run.ports.temporalUi}): stopped`,
          `[start] ferretdb (${run.ports.ferretdb}): stopped`,
          expect.stringMatching(/^\[start\] stopped in \d+\.\d s: worker, simulator \(\d+\), temporal, ferretdb$/),
        ]),
      );
      expect(run.output()).not.toContain('second Ctrl-C');
    } finally {
      cleanUp(run);
    }
  });

  it('a second Ctrl-C while the stop waits (a Temporal server that ignores SIGTERM) kills what is left at once', async () => {
    const run = await startNpmStart();
    try {
      const pids = recordedPids(run.dataDir);
      const [temporal] = pids;
      process.kill(temporal as number, 'SIGSTOP'); // it cannot act on SIGTERM now; SIGKILL still works
      ctrlC(run);
      await new Promise((r) => setTimeout(r, 2_000));
      ctrlC(run);
      const exit = await run.exited;
      expect([exit.code === 130, exit.signal === 'SIGINT']).toContain(true);
      expect(pids.filter(running)).toEqual([]);
      expect(await openPorts(run.ports)).toEqual([]);
      expect(run.output()).toContain('[start] second Ctrl-C: killing what is left (SIGKILL)');
      expect(run.output()).toContain(`[start] temporal (${run.ports.temporal}, UI ${run.ports.temporalUi}): killed`);
    } finally {
      cleanUp(run);
    }
  });

  it('a worker that stopped first (a crash, or the Ctrl-C handled faster than npm start) does not keep the stack running', async () => {
    const run = await startNpmStart();
    try {
      const pids = recordedPids(run.dataDir);
      const worker = (await findChild(run.child.pid as number, 'apps/worker/src/main.ts')) as number;
      process.kill(worker, 'SIGINT');
      for (let i = 0; i < 300 && !run.output().includes('[start] worker exited'); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      ctrlC(run);
      await run.exited;
      expect(await openPorts(run.ports)).toEqual([]);
      expect(pids.filter(running)).toEqual([]);
      expect(run.output()).toMatch(/\[start\] stopped in \d+\.\d s: simulator \(\d+\), temporal, ferretdb\n/);
    } finally {
      cleanUp(run);
    }
  });
});
