import { msToTs } from '@temporalio/common/lib/time';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client, ScheduleNotFoundError } from '@temporalio/client';
import { connectClient, readTemporalSettings, type TemporalSettings } from '@btc/config';
import { testDatabaseUrls } from '@btc/data/testing';
import { allSchedules, deleteScheduleIfPresent } from '@btc/schedules';
import { bootstrapWorkflowId } from '@btc/workflows';
import { TEMPORAL, startTlsProxy, uniqueTaskQueue, type TlsProxy } from '@btc/worker-runtime/testing';
import { runCli } from './tls.fixture';
import { SetupInterruptedError, runSchedulerSetup } from './setup';

/** A namespace of this run's Temporal without our search attributes, as a new Temporal Cloud namespace is. */
const BARE = `${TEMPORAL.namespace}-bare`;
let direct: Client;
/** Temporal Cloud as the SDK sees it: mTLS, and no operator service (PERMISSION_DENIED). */
let cloud: TlsProxy;

function cloudSettings(namespace: string): TemporalSettings {
  return readTemporalSettings({ ...cloud.env(), TEMPORAL_NAMESPACE: namespace }, '') as TemporalSettings;
}

/** Creates the bare namespace once (kept between runs) and waits until its visibility answers. */
async function ensureBareNamespace(): Promise<void> {
  const exists = await direct.workflowService.describeNamespace({ namespace: BARE }).then(
    () => true,
    () => false,
  );
  if (!exists) {
    // A day of retention: the server refuses a namespace without one.
    await direct.workflowService.registerNamespace({
      namespace: BARE,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  }
  for (let i = 0; ; i++) {
    const answered = await direct.workflowService.countWorkflowExecutions({ namespace: BARE, query: '' }).then(
      () => true,
      () => false,
    );
    if (answered) return;
    if (i > 100) throw new Error(`namespace ${BARE} did not become usable`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function schedulerMain(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts')], {
    env: { LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function cleanUp(namespace: string, suffix: string): Promise<void> {
  const client = new Client({ connection: direct.connection, namespace });
  for (const options of allSchedules({ taskQueue: 'unused', maxInFlight: 1, scheduleIdSuffix: suffix })) {
    await deleteScheduleIfPresent(client, options.scheduleId);
  }
  await client.workflow
    .getHandle(bootstrapWorkflowId())
    .terminate('test over')
    .catch(() => undefined);
}

beforeAll(async () => {
  cloud = await startTlsProxy({ upstream: TEMPORAL.address, operatorServiceStatus: 7 });
  direct = await connectClient(TEMPORAL);
  await ensureBareNamespace();
});
afterAll(async () => {
  await direct?.connection.close();
  await cloud?.stop();
});

describe('scheduler setup where the operator service is refused (Temporal Cloud)', () => {
  jest.setTimeout(60_000);

  it('finds the search attributes through the visibility API and goes on: both schedules ensured, the bootstrap started', async () => {
    const suffix = `-cloud-${Date.now()}`;
    const client = await connectClient(cloudSettings(TEMPORAL.namespace));
    try {
      const report = await runSchedulerSetup(client, TEMPORAL.namespace, {
        taskQueue: uniqueTaskQueue('setup'),
        maxInFlight: 5,
        scheduleIdSuffix: suffix,
      });
      expect(report.searchAttributesAdded).toEqual([]);
      expect(Object.values(report.schedules)).toEqual(['created', 'created']);
      const calls = cloud.calls().map((c) => `${c.path.split('/').pop()} ${c.grpcStatus ?? ''}`.trim());
      expect(calls).toContain('ListSearchAttributes 7');
      expect(calls.filter((c) => c === 'CountWorkflowExecutions')).toHaveLength(4);
    } finally {
      await client.connection.close();
      await cleanUp(TEMPORAL.namespace, suffix);
    }
  });

  it('when they are missing, `schedule ensure` and the scheduler stop with the exact tcld command and the Terraform resources', async () => {
    const { mysqlUrl, mongoUrl } = testDatabaseUrls();
    const env = { ...process.env, ...cloud.env(), TEMPORAL_NAMESPACE: BARE, MYSQL_URL: mysqlUrl, MONGO_URL: mongoUrl };
    const [ensure, main] = await Promise.all([runCli(['schedule', 'ensure'], env), schedulerMain(env)]);

    const tcld =
      `tcld namespace search-attributes add --namespace ${BARE} --search-attribute BytemarkUserId=Int ` +
      '--search-attribute BytemarkUserIds=KeywordList --search-attribute BytemarkRefreshOutcome=Keyword ' +
      '--search-attribute BytemarkRefreshTrigger=Keyword';
    const terraform = [
      '    resource "temporalcloud_namespace_search_attribute" "bytemark_user_ids" {',
      `      namespace_id = "${BARE}" # or temporalcloud_namespace.<yours>.id`,
      '      name         = "BytemarkUserIds"',
      '      type         = "keyword_list"',
      '    }',
    ].join('\n');
    for (const run of [ensure, main]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `search attributes missing in namespace ${BARE}: BytemarkUserId, BytemarkUserIds, BytemarkRefreshOutcome, BytemarkRefreshTrigger; ` +
          'this server does not let us add them (the operator service answered PERMISSION_DENIED: the operator service is not available on this endpoint',
      );
      expect(run.stderr).toContain(`\n    ${tcld}\n`);
      expect(run.stderr).toContain(terraform);
      expect(run.stderr.match(/resource "temporalcloud_namespace_search_attribute"/g)).toHaveLength(4);
    }
    console.log(`schedule ensure on a namespace without the attributes, behind no operator service:\n${ensure.stderr}`);
    // Nothing was set up that would run without them.
    const bare = new Client({ connection: direct.connection, namespace: BARE });
    for (const options of allSchedules({ taskQueue: 'unused', maxInFlight: 1 })) {
      await expect(bare.schedule.getHandle(options.scheduleId).describe()).rejects.toBeInstanceOf(
        ScheduleNotFoundError,
      );
    }
    expect((await bare.workflow.count()).count).toBe(0);
  });
});

describe('scheduler setup stopped by SIGTERM', () => {
  it('finishes the step that runs and starts no other; running it again does the rest', async () => {
    const suffix = `-sigterm-${Date.now()}`;
    const settings = { taskQueue: uniqueTaskQueue('setup'), maxInFlight: 5, scheduleIdSuffix: suffix };
    const stop = new AbortController();
    try {
      const running = runSchedulerSetup(direct, TEMPORAL.namespace, settings, stop.signal);
      // What main.ts does on SIGTERM, while the first step (search attributes) is in flight.
      stop.abort('SIGTERM');
      const error = await running.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SetupInterruptedError);
      const schedules = allSchedules(settings).map((o) => `schedule ${o.scheduleId}`);
      expect(error).toMatchObject({ done: ['search attributes'], notRun: [...schedules, 'bootstrap'] });
      expect((error as Error).message).toMatch(
        /^SIGTERM: setup stopped after search attributes; not run: .*bootstrap\./,
      );
      for (const options of allSchedules(settings)) {
        await expect(direct.schedule.getHandle(options.scheduleId).describe()).rejects.toBeInstanceOf(
          ScheduleNotFoundError,
        );
      }
      const again = await runSchedulerSetup(direct, TEMPORAL.namespace, settings);
      expect(Object.values(again.schedules)).toEqual(['created', 'created']);
    } finally {
      await cleanUp(TEMPORAL.namespace, suffix);
    }
  });
});
