import { Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import { SEARCH_ATTRIBUTES } from '@btc/workflows';
import { ensureTools, type ToolBinary } from './install-tools';
import {
  StackError,
  killRecorded,
  logFile,
  portOpen,
  recordedProcess,
  startDetached,
  stopRecorded,
  waitHealthy,
} from './processes';
import { dataDir, repoRoot } from './paths';

function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new StackError(`${name} must be a TCP port (1-65535), got '${raw}'`);
  }
  return port;
}

/**
 * The ports of the Temporal dev server, its UI and FerretDB: ARCHITECTURE.md's fixed 7233, 8233 and
 * 27017, or others (`BTC_TEMPORAL_PORT`, `BTC_TEMPORAL_UI_PORT`, `BTC_FERRETDB_PORT`, with its own
 * `BTC_DATA_DIR`) to run a second stack beside a running one. MariaDB is the machine's (3306).
 */
export function stackPorts(env: NodeJS.ProcessEnv = process.env): {
  temporal: number;
  temporalUi: number;
  ferretdb: number;
} {
  return {
    temporal: portFrom(env, 'BTC_TEMPORAL_PORT', 7233),
    temporalUi: portFrom(env, 'BTC_TEMPORAL_UI_PORT', 8233),
    ferretdb: portFrom(env, 'BTC_FERRETDB_PORT', 27017),
  };
}

const PORTS = stackPorts();

/** The local addresses of ARCHITECTURE.md (ports overridable, see stackPorts; databases by `BTC_DEV_DATABASE`). */
export const LOCAL = {
  temporalAddress: `127.0.0.1:${PORTS.temporal}`,
  temporalUiUrl: `http://127.0.0.1:${PORTS.temporalUi}`,
  mongoUrl: `mongodb://127.0.0.1:${PORTS.ferretdb}`,
  mysqlUrl: 'mysql://root@127.0.0.1:3306',
  databases: {
    dev: process.env['BTC_DEV_DATABASE'] || 'bytemark',
    test: process.env['BTC_TEST_DATABASE'] || 'bytemark_test',
  },
  ports: PORTS,
} as const;

export type ComponentName = 'temporal' | 'ferretdb' | 'mariadb';

export interface ComponentStatus {
  name: ComponentName;
  address: string;
  healthy: boolean;
  managed: 'started by us' | 'external';
  detail: string;
}

type Log = (line: string) => void;

async function temporalHealthy(): Promise<boolean> {
  const connection = await Connection.connect({ address: LOCAL.temporalAddress, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    const ui = await fetch(LOCAL.temporalUiUrl, { signal: AbortSignal.timeout(1000) });
    return ui.ok;
  } finally {
    await connection.close();
  }
}

async function ferretHealthy(): Promise<boolean> {
  const conn = await mongoose
    .createConnection(`${LOCAL.mongoUrl}/admin`, { serverSelectionTimeoutMS: 1000 })
    .asPromise();
  try {
    const reply = await conn.db!.admin().ping();
    return reply['ok'] === 1;
  } finally {
    await conn.close();
  }
}

async function mariadbHealthy(): Promise<boolean> {
  const conn = await createMysqlConnection({ uri: LOCAL.mysqlUrl, connectTimeout: 1000 });
  try {
    await conn.query('SELECT 1');
    return true;
  } finally {
    await conn.end();
  }
}

const checks: Record<ComponentName, () => Promise<boolean>> = {
  temporal: temporalHealthy,
  ferretdb: ferretHealthy,
  mariadb: mariadbHealthy,
};

interface Managed {
  name: 'temporal' | 'ferretdb';
  port: number;
  binary: string;
  args: string[];
  /** Added to the environment it starts with. */
  env?: Record<string, string>;
  timeoutMs: number;
}

/**
 * Dynamic config of the local dev server, the matcher that orders by priority, and the levers measured
 * in bench/README.md:
 * - one task-queue partition instead of four: partitions spread a queue over matching hosts, and a
 *   one-process dev server only pays for forwarding tasks between them (no-op ceiling 149 → 178 users/s);
 * - eight concurrent persistence operations on the dev server's single history shard instead of one
 *   (the hourly sweep 50 → 62 users/s at 500 users).
 * The partition count only suits a fresh server: lowering it on one with a backlog strands the tasks
 * of the dropped partitions (`npm run stack -- down && rm -rf .data` starts afresh).
 */
const DEV_SERVER_DYNAMIC_CONFIG = [
  // Task-queue priority: the backlog of a queue is ordered by priority key (riders first). Off by
  // default before server 1.31 (the CLI's dev server is 1.29.1): without it priority keys are ignored.
  'matching.useNewMatcher=true',
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  'history.shardIOConcurrency=8',
];

/**
 * Extra `temporal server start-dev` flags from `TEMPORAL_DEV_SERVER_ARGS` (space-separated), for
 * measuring server settings (bench/README.md's levers), e.g.
 * `--dynamic-config-value history.shardIOConcurrency=4`. Unset in normal use.
 */
function extraTemporalArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['TEMPORAL_DEV_SERVER_ARGS'] ?? '').split(' ').filter(Boolean);
}

function managedComponents(bins: Partial<Record<ToolBinary, string>>): Managed[] {
  const searchAttributes = Object.values(SEARCH_ATTRIBUTES).flatMap((a) => [
    '--search-attribute',
    `${a.name}=${a.type}`,
  ]);
  return [
    {
      name: 'temporal',
      port: LOCAL.ports.temporal,
      binary: bins['temporal']!,
      // WAL with synchronous=NORMAL: a commit no longer waits for an fsync (safe against a crash of the
      // process; only an OS crash can lose the last commits). SQLite's default rollback journal with
      // FULL sync made every workflow task completion wait for the disk.
      // prettier-ignore
      args: ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(LOCAL.ports.temporal), '--ui-port', String(LOCAL.ports.temporalUi),
        '--db-filename', `${dataDir}/temporal.db`, '--namespace', 'default', '--log-level', 'warn',
        '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal', ...searchAttributes,
        ...DEV_SERVER_DYNAMIC_CONFIG.flatMap((kv) => ['--dynamic-config-value', kv]), ...extraTemporalArgs()],
      // The dev server allocates much and holds little (one process, SQLite): a less eager Go collector
      // (GOGC 400 instead of 100) spends less of the two cores on garbage (bench/README.md, levers).
      env: { GOGC: process.env['GOGC'] ?? '400' },
      timeoutMs: 60_000,
    },
    {
      name: 'ferretdb',
      port: LOCAL.ports.ferretdb,
      binary: bins['ferretdb-runner']!,
      args: ['--listen', `127.0.0.1:${LOCAL.ports.ferretdb}`, '--data', `${dataDir}/ferretdb`],
      timeoutMs: 30_000,
    },
  ];
}

/**
 * Installs the tools if needed, starts the Temporal dev server and FerretDB unless already running,
 * checks MariaDB, and creates the dev and test databases. Returns the components this call started;
 * each is also pushed to `started` as soon as it runs, so a caller interrupted meanwhile can stop it.
 */
export async function stackUp(log: Log, started: ComponentName[] = []): Promise<ComponentName[]> {
  const bins = ensureTools(log);
  for (const component of managedComponents(bins)) {
    const running = recordedProcess(component.name);
    if (running) {
      await waitHealthy(component.name, running.pid, checks[component.name], component.timeoutMs);
      log(`${component.name}: already running (pid ${running.pid})`);
      continue;
    }
    if (await portOpen(component.port)) {
      if (await checks[component.name]().catch(() => false)) {
        log(`${component.name}: port ${component.port} is served by a process not started by this stack; using it`);
        continue;
      }
      throw new StackError(
        `port ${component.port} is taken by another process that is not a healthy ${component.name}. ` +
          `Stop it (\`ss -ltnp 'sport = :${component.port}'\` shows which) and run \`npm run stack -- up\` again.`,
      );
    }
    const record = startDetached(component.name, component.binary, component.args, repoRoot, {
      ...process.env,
      ...component.env,
    });
    started.push(component.name);
    await waitHealthy(component.name, record.pid, checks[component.name], component.timeoutMs);
    log(`${component.name}: started (pid ${record.pid}, log ${logFile(component.name)})`);
  }
  if (!(await mariadbHealthy().catch(() => false))) {
    throw new StackError(
      'MariaDB/MySQL is not reachable at 127.0.0.1:3306 as root without a password. Start it ' +
        '(here: `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`) and retry.',
    );
  }
  log('mariadb: reachable at 127.0.0.1:3306');
  return started;
}

/** What each managed component listens on, for the lines that say it stopped. */
export function componentPorts(name: 'temporal' | 'ferretdb'): string {
  return name === 'temporal' ? `${LOCAL.ports.temporal}, UI ${LOCAL.ports.temporalUi}` : String(LOCAL.ports.ferretdb);
}

/**
 * Stops what `up` started (or `only` those), by recorded pid and its process group; never touches
 * MariaDB or processes it did not start. `graceMs`: how long each may take after SIGTERM before SIGKILL.
 */
export async function stackDown(log: Log, only?: ComponentName[], graceMs?: number): Promise<void> {
  for (const name of ['temporal', 'ferretdb'] as const) {
    if (only && !only.includes(name)) continue;
    log(`${name} (${componentPorts(name)}): ${await stopRecorded(name, graceMs)}`);
  }
}

/** SIGKILL for what `up` started (or `only` those): a second Ctrl-C. */
export function stackKill(log: Log, only?: ComponentName[]): void {
  for (const name of ['temporal', 'ferretdb'] as const) {
    if (only && !only.includes(name)) continue;
    log(`${name} (${componentPorts(name)}): ${killRecorded(name)}`);
  }
}

export async function stackStatus(): Promise<ComponentStatus[]> {
  const rows: Array<[ComponentName, string]> = [
    ['temporal', `${LOCAL.temporalAddress} (UI ${LOCAL.temporalUiUrl})`],
    ['ferretdb', `127.0.0.1:${LOCAL.ports.ferretdb}`],
    ['mariadb', '127.0.0.1:3306'],
  ];
  return Promise.all(
    rows.map(async ([name, address]) => {
      const record = name === 'mariadb' ? null : recordedProcess(name);
      const healthy = await checks[name]().catch(() => false);
      return {
        name,
        address,
        healthy,
        managed: record ? 'started by us' : 'external',
        detail: record
          ? `pid ${record.pid}, log ${logFile(name)}`
          : name === 'mariadb'
            ? 'system service'
            : 'no pid file',
      } satisfies ComponentStatus;
    }),
  );
}
