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
import { LOCAL, stackDown, stackUp } from './local-stack';
import { repoRoot } from './paths';

/** The demo: how many simulated Bytemark users `npm start` seeds, and their passes each. */
const DEMO_USERS = Number(process.env['DEMO_USERS'] ?? 50);
const DEMO_PASSES = Number(process.env['DEMO_PASSES'] ?? 12);
const SIMULATOR_PORT = 4010;

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
};

const log = (line: string) => console.log(`[start] ${line}`);

function runApp(name: string, entry: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, entry)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => log(`${name} exited (${signal ?? code})`));
  return child;
}

function waitExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/**
 * `npm start`: the local stack, migrations, a simulator with demo users whose accounts are stored
 * (encrypted) in MySQL, the worker, the scheduler (schedules + bootstrap), one hourly sweep, and a
 * summary read back from the databases. Ctrl-C stops everything it started.
 */
async function main(): Promise<void> {
  const started = await stackUp(log);
  await prepareDatabases(log);

  const simulator = await startSimulator({
    port: SIMULATOR_PORT,
    seed: 1,
    users: DEMO_USERS,
    passesPerUser: DEMO_PASSES,
    clientId: env.BYTEMARK_CLIENT_ID,
  });
  log(`Bytemark simulator on ${simulator.url} with ${DEMO_USERS} users`);

  const sequelize = createSequelize(env.MYSQL_URL, { logging: false });
  const mongo = await connectMongo(env.MONGO_URL);
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

  const worker = runApp('worker', 'apps/worker/src/main.ts');
  const scheduler = runApp('scheduler', 'apps/scheduler/src/main.ts');
  if ((await waitExit(scheduler)) !== 0) throw new Error('the scheduler setup failed; see its output above');

  const client = await connectClient(loadConfig(env, ['temporal']).temporal);
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
      `  Temporal UI:     ${LOCAL.temporalUiUrl}/namespaces/default/workflows`,
      `  cache documents: ${await cacheRepo.count()} (of ${accounts.length} token users)`,
      `  cached passes:   ${passes}; audit entries: ${auditEntries}`,
      `  schedules:       ${HOURLY_SCHEDULE_ID} (hourly), ${REFRESH_QUEUE_SCHEDULE_ID} (every 5 minutes)`,
      '  try:            npm run cli -- status 1   |   npm run cli -- refresh 1 --wait',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  await client.connection.close();

  const stop = async () => {
    log('stopping...');
    worker.kill('SIGINT');
    await waitExit(worker);
    await simulator.close();
    await Promise.allSettled([sequelize.close(), mongo.close()]);
    await stackDown(log, started);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
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

main().catch((error: unknown) => {
  for (const line of formatError(error, { secrets: knownSecrets(process.env) })) console.error(`[start] ${line}`);
  process.exit(1);
});
