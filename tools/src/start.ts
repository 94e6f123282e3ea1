import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { startSimulator } from '@btc/bytemark-simulator';
import {
  BytemarkTokensRepository,
  TicketCacheRepository,
  TicketLogRepository,
  TokenCipher,
  connectMongo,
  createSequelize,
} from '@btc/data';
import { triggerNow } from '@btc/schedules';
import { connectClient, formatError, knownSecrets, loadConfig, LOCAL_DEV_ENCRYPTION_KEY } from '@btc/config';
import { HOURLY_SCHEDULE_ID, REFRESH_QUEUE_SCHEDULE_ID, bootstrapWorkflowId } from '@btc/workflows';
import { prepareDatabases } from './databases';
import { LOCAL, stackDown, stackKill, stackUp, type ComponentName } from './local-stack';
import { repoRoot } from './paths';

/** The demo: how many simulated Bytemark users `npm start` seeds, and their passes each. */
const DEMO_USERS = Number(process.env['DEMO_USERS'] ?? 50);
const DEMO_PASSES = Number(process.env['DEMO_PASSES'] ?? 12);
/** The simulator's port (`BTC_SIMULATOR_PORT` for a second stack beside a running one). */
const SIMULATOR_PORT = Number(process.env['BTC_SIMULATOR_PORT'] || 4010);
/** How long the worker and the scheduler may take to stop after SIGTERM before they are killed. */
const APP_STOP_MS = 10_000;
/** How long an app is given to stop on the Ctrl-C it got itself before it is sent SIGTERM. */
const GROUP_SIGNAL_MS = 3_000;
/** How long the Temporal dev server and FerretDB may take to stop after SIGTERM before they are killed. */
const STACK_STOP_MS = 5_000;

const env = {
  ...process.env,
  MYSQL_URL: `${LOCAL.mysqlUrl}/${LOCAL.databases.dev}`,
  MONGO_URL: `${LOCAL.mongoUrl}/${LOCAL.databases.dev}`,
  TEMPORAL_ADDRESS: LOCAL.temporalAddress,
  BYTEMARK_CUSTOMER_API_URL: `http://127.0.0.1:${SIMULATOR_PORT}`,
  BYTEMARK_ACCOUNT_API_URL: `http://127.0.0.1:${SIMULATOR_PORT}`,
  BYTEMARK_CLIENT_ID: 'local-dev-client',
  // The local stack's key, passed explicitly (the apps have no fallback key); yours when you set one.
  TOKEN_ENCRYPTION_KEY: process.env['TOKEN_ENCRYPTION_KEY'] || LOCAL_DEV_ENCRYPTION_KEY,
  // An idle demo worker stops in a moment; Ctrl-C should not wait the production grace of 30 s.
  WORKER_SHUTDOWN_GRACE_SECONDS: process.env['WORKER_SHUTDOWN_GRACE_SECONDS'] || '3',
  WORKER_SHUTDOWN_FORCE_SECONDS: process.env['WORKER_SHUTDOWN_FORCE_SECONDS'] || '3',
};

const log = (line: string) => console.log(`[start] ${line}`);

/** A process `npm start` runs, and when it exited (its exit is watched from the spawn: none is missed). */
interface App {
  name: string;
  child: ChildProcess;
  exited: Promise<number>;
  running: boolean;
}

/** What `npm start` started, in the order it is stopped: the apps, then what `close` closes, then the stack. */
const owned = { apps: [] as App[], closers: [] as Array<{ name: string; close: () => Promise<unknown> }> };
const stackStarted: ComponentName[] = [];
let stopping = false;

function runApp(name: string, entry: string): App {
  // Same process group as `npm start`: a Ctrl-C in the terminal reaches it too.
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, entry)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const app: App = { name, child, running: true, exited: Promise.resolve(0) };
  app.exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      app.running = false;
      if (!stopping || code !== 0) log(`${name} exited (${signal ?? code})`);
      resolve(code ?? 1);
    }),
  );
  owned.apps.push(app);
  return app;
}

function within<T>(ms: number, promise: Promise<T>): Promise<T | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Ctrl-C (SIGINT to the whole foreground group) or SIGTERM: stops everything `npm start` started, in
 * seconds, and says what it stopped: the worker and the scheduler (they got the Ctrl-C too; SIGTERM
 * when they have not stopped after GROUP_SIGNAL_MS, SIGKILL after APP_STOP_MS), the simulator and the connections, then the Temporal dev server and FerretDB if this
 * run started them (SIGTERM to their process groups; killed after STACK_STOP_MS). A second Ctrl-C
 * kills what is left at once.
 */
async function stopAll(reason: string, exitCode = 0): Promise<never> {
  stopping = true;
  const since = Date.now();
  log(`${reason}: stopping everything npm start started (Ctrl-C again to force)...`);
  const stopped: string[] = [];
  await Promise.all(
    owned.apps
      .filter((app) => app.running)
      .map(async (app) => {
        // A Ctrl-C reached the app too (same group): it stops on its own. A SIGINT to the app a second
        // time would kill it at once (the SDK's handler is gone), so it is told (SIGTERM) only if it
        // has not stopped after a moment, or at once when the signal was not the terminal's.
        if ((await within(reason === 'SIGINT' ? GROUP_SIGNAL_MS : 0, app.exited)) === 'timed out') {
          app.child.kill('SIGTERM');
        }
        if ((await within(APP_STOP_MS, app.exited)) === 'timed out') {
          app.child.kill('SIGKILL');
          log(`${app.name}: killed (still running ${APP_STOP_MS / 1000} s after SIGTERM)`);
        } else {
          log(`${app.name}: stopped`);
        }
        stopped.push(app.name);
      }),
  );
  for (const { name, close } of owned.closers.reverse()) {
    const result = await within(
      3_000,
      close().then(
        () => 'closed' as const,
        () => 'closed' as const,
      ),
    );
    if (name) log(`${name}: ${result === 'timed out' ? 'did not close within 3 s; left to the exit' : 'stopped'}`);
    if (name) stopped.push(name);
  }
  await stackDown(log, [...stackStarted], STACK_STOP_MS);
  stopped.push(...stackStarted);
  const notOurs = (['temporal', 'ferretdb'] as const).filter((name) => !stackStarted.includes(name));
  const kept = notOurs.length > 0 ? ` (${notOurs.join(' and ')}: already running before npm start, left running)` : '';
  log(
    `stopped in ${((Date.now() - since) / 1000).toFixed(1)} s: ${stopped.join(', ') || 'nothing was running'}${kept}`,
  );
  process.exit(exitCode);
}

/** The second Ctrl-C: SIGKILL for every process npm start started, then exit. */
function forceStop(): never {
  log('second Ctrl-C: killing what is left (SIGKILL)');
  for (const app of owned.apps) {
    if (!app.running) continue;
    app.child.kill('SIGKILL');
    log(`${app.name}: killed`);
  }
  stackKill(log, [...stackStarted]);
  process.exit(130);
}

/**
 * One Ctrl-C reaches this process more than once: from the terminal (the whole group) and relayed by
 * `npm` and `tsx`, which forward the signals they get to their child. A signal this soon after the
 * first is that same Ctrl-C; a later one is the second Ctrl-C, which forces.
 */
const SAME_CTRL_C_MS = 1_000;
let firstSignalAt = 0;

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    if (Date.now() - firstSignalAt >= SAME_CTRL_C_MS) forceStop();
    return;
  }
  firstSignalAt = Date.now();
  void stopAll(signal);
}

/**
 * `npm start`: the local stack, migrations, a simulator with demo users whose accounts are stored
 * (encrypted) in MySQL, the worker, the scheduler (schedules + bootstrap), one hourly sweep, and a
 * summary read back from the databases. Ctrl-C stops everything it started (stopAll).
 */
async function main(): Promise<void> {
  // From the first line: a Ctrl-C while the stack is starting stops what has started so far.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await stackUp(log, stackStarted);
  await prepareDatabases(log);

  const simulator = await startSimulator({
    port: SIMULATOR_PORT,
    seed: 1,
    users: DEMO_USERS,
    passesPerUser: DEMO_PASSES,
    clientId: env.BYTEMARK_CLIENT_ID,
  });
  owned.closers.push({ name: `simulator (${SIMULATOR_PORT})`, close: () => simulator.close() });
  log(`Bytemark simulator on ${simulator.url} with ${DEMO_USERS} users`);

  const sequelize = createSequelize(env.MYSQL_URL, { logging: false });
  owned.closers.push({ name: '', close: () => sequelize.close() });
  const mongo = await connectMongo(env.MONGO_URL);
  owned.closers.push({ name: '', close: () => mongo.close() });
  // The key the worker will read from the same environment, by the same rule.
  const { tokenEncryptionKeys } = loadConfig(env, ['tokens']);
  const tokens = new BytemarkTokensRepository(sequelize, TokenCipher.fromKeyring(tokenEncryptionKeys));
  const accounts = (await (await fetch(`${simulator.url}/admin/users`)).json()) as Array<{
    userId: number;
    email: string;
    password: string;
    token: string;
  }>;
  for (const a of accounts) await tokens.upsertAccount({ ...a, status: 'used' });
  log(`stored ${accounts.length} Bytemark accounts in bytemark_tokens (token and password encrypted)`);

  runApp('worker', 'apps/worker/src/main.ts');
  const scheduler = runApp('scheduler', 'apps/scheduler/src/main.ts');
  if ((await scheduler.exited) !== 0) throw new Error('the scheduler setup failed; see its output above');

  const client = await connectClient(loadConfig(env, ['temporal']).temporal);
  owned.closers.push({ name: '', close: () => client.connection.close() });
  const bootstrap = await client.workflow.getHandle(bootstrapWorkflowId()).result();
  log(`bootstrap: ${JSON.stringify(bootstrap)}`);

  const before = Date.now();
  await triggerNow(client, HOURLY_SCHEDULE_ID);
  const sweep = await waitForSweep(client, before);
  log(`hourly sweep (triggered now): ${JSON.stringify(sweep)}`);

  const cacheRepo = new TicketCacheRepository(mongo);
  const logRepo = new TicketLogRepository(mongo);
  let passes = 0;
  let auditEntries = 0;
  for (const a of accounts) {
    const doc = await cacheRepo.findByUserId({ userId: a.userId });
    passes += (doc?.passes.length ?? 0) + (doc?.passes4.length ?? 0);
    auditEntries += await logRepo.countByUserId({ userId: a.userId });
  }
  console.log(
    [
      '',
      'Bytemark ticket cache is running.',
      `  Temporal UI:     ${LOCAL.temporalUiUrl}/namespaces/${process.env['TEMPORAL_NAMESPACE'] || 'default'}/workflows`,
      `  cache documents: ${await cacheRepo.count()} (of ${accounts.length} token users)`,
      `  cached passes:   ${passes}; audit entries: ${auditEntries}`,
      `  schedules:       ${HOURLY_SCHEDULE_ID} (hourly), ${REFRESH_QUEUE_SCHEDULE_ID} (every 5 minutes)`,
      '  try:            npm run cli -- status 1   |   npm run cli -- refresh 1 --wait',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

/** The sweep the trigger started: Temporal suffixes a schedule's workflow id with the scheduled time. */
async function waitForSweep(client: Client, after: number) {
  const schedule = client.schedule.getHandle(HOURLY_SCHEDULE_ID);
  for (;;) {
    const { info } = await schedule.describe();
    const action = info.recentActions.find((a) => a.takenAt.getTime() >= after - 1000);
    if (action) return client.workflow.getHandle(action.action.workflow.workflowId).result();
    await new Promise((r) => setTimeout(r, 250));
  }
}

main().catch(async (error: unknown) => {
  // What fails while Ctrl-C closes the connections under it is the stop's business, not an error.
  if (stopping) return;
  for (const line of formatError(error, { secrets: knownSecrets(process.env) })) console.error(`[start] ${line}`);
  // A failed start stops what it started, as Ctrl-C does.
  await stopAll('start failed', 1);
});
