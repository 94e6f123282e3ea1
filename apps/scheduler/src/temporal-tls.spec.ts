import { connectClient, readTemporalSettings, TemporalConnectionError, type TemporalSettings } from '@btc/config';
import { deleteScheduleIfPresent } from '@btc/schedules';
import { connectWorker } from '@btc/worker-runtime';
import { HOURLY_SCHEDULE_ID, REFRESH_QUEUE_SCHEDULE_ID, TICKET_CACHE_TASK_QUEUE } from '@btc/workflows';
import {
  TEMPORAL,
  openHarness,
  startTlsProxy,
  startWorkerProcess,
  type Harness,
  type TlsProxy,
  type WorkerProcess,
} from '@btc/worker-runtime/testing';
import { expectNoKeyMaterial, misconfigurations, runCli } from './tls.fixture';

const FIRST_USER = 7_100_001;
let h: Harness;
let proxy: TlsProxy;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  proxy = await startTlsProxy({ upstream: TEMPORAL.address });
  h = await openHarness({ users: 1, passesPerUser: 3, firstUserId: FIRST_USER });
  await h.reset();
  await h.seedTokens();
});
afterAll(async () => {
  await worker?.kill();
  if (h) for (const id of [HOURLY_SCHEDULE_ID, REFRESH_QUEUE_SCHEDULE_ID]) await deleteScheduleIfPresent(h.client, id);
  await h?.close();
  await proxy?.stop();
});

describe('Temporal behind TLS with client certificates (nginx, ssl_verify_client on)', () => {
  jest.setTimeout(60_000);

  it('a worker process, `schedule ensure` and `refresh --wait` work through it with mTLS', async () => {
    worker = startWorkerProcess(h, TICKET_CACHE_TASK_QUEUE, proxy.env(), { captureOutput: true });
    await worker.ready;
    const env = h.workerEnv(TICKET_CACHE_TASK_QUEUE, proxy.env());

    const ensure = await runCli(['schedule', 'ensure'], env);
    expect(ensure).toMatchObject({ code: 0 });
    expect(ensure.stdout).toMatch(new RegExp(`^${HOURLY_SCHEDULE_ID}: (created|updated)$`, 'm'));
    expect(ensure.stdout).toMatch(new RegExp(`^${REFRESH_QUEUE_SCHEDULE_ID}: (created|updated)$`, 'm'));
    const described = await h.client.schedule.getHandle(HOURLY_SCHEDULE_ID).describe();
    expect(described.action.type === 'startWorkflow' && described.action.taskQueue).toBe(TICKET_CACHE_TASK_QUEUE);

    const refresh = await runCli(['refresh', String(FIRST_USER), '--mode', 'build', '--wait', '--json'], env);
    expect(refresh).toMatchObject({ code: 0 });
    const { summary } = JSON.parse(refresh.stdout) as { summary: { outcome: string } };
    expect(summary).toMatchObject({ outcome: 'built' });
    const cache = await h.dependencies.deps.cache.findByUserId({ userId: FIRST_USER });
    expect((cache?.passes.length ?? 0) + (cache?.passes4.length ?? 0)).toBe(3);

    // All of it went through nginx with the client certificate: the worker's polls and answers, the CLI's calls.
    const calls = proxy.calls();
    const methods = new Set(calls.map((c) => c.path.split('/').pop()));
    expect([...methods]).toEqual(
      expect.arrayContaining([
        'GetSystemInfo',
        'PollWorkflowTaskQueue',
        'RespondWorkflowTaskCompleted',
        'PollActivityTaskQueue',
        'RespondActivityTaskCompleted',
        'ListSearchAttributes',
        'SignalWithStartWorkflowExecution',
        'GetWorkflowExecutionHistory',
      ]),
    );
    expect([...methods].filter((m) => m === 'CreateSchedule' || m === 'UpdateSchedule')).not.toEqual([]);
    expect(calls.filter((c) => c.status !== 200 || c.clientSubject !== 'CN=bytemark-worker')).toEqual([]);
    console.log(
      `through TLS: schedule ensure ${ensure.ms} ms, refresh --wait ${refresh.ms} ms (process start to exit); ` +
        `${calls.length} calls proxied, methods: ${[...methods].sort().join(' ')}`,
    );
    expectNoKeyMaterial(proxy, ensure.stdout + ensure.stderr + refresh.stdout + refresh.stderr + worker.output());
  });

  it('a misconfigured connection fails within about a second, client and worker alike, naming the problem and no key', async () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ...misconfigurations(() => proxy).map(([label, env, problem]): [string, Record<string, string>, RegExp] => [
        label,
        env(),
        problem,
      ]),
      [
        'with a client certificate of another CA',
        {
          ...proxy.env(),
          TEMPORAL_TLS_CLIENT_CERT_PATH: proxy.files.otherClientCert,
          TEMPORAL_TLS_CLIENT_KEY_PATH: proxy.files.otherClientKey,
        },
        /the server refused the client certificate \(mTLS\): TEMPORAL_TLS_CLIENT_CERT_PATH must be signed by a CA the server trusts/,
      ],
      [
        'with a server name the certificate does not have',
        { ...proxy.env(), TEMPORAL_TLS_SERVER_NAME: 'elsewhere.test' },
        /the server's certificate does not name elsewhere\.test \(it names DNS:temporal\.test, IP Address:127\.0\.0\.1\): set TEMPORAL_TLS_SERVER_NAME/,
      ],
      [
        'TLS against the plaintext port',
        { ...proxy.env(), TEMPORAL_ADDRESS: TEMPORAL.address },
        /the server speaks plaintext and this connection uses TLS/,
      ],
    ];
    const timings: string[] = [];
    for (const [label, env, problem] of cases) {
      const settings = readTemporalSettings({ TEMPORAL_NAMESPACE: TEMPORAL.namespace, ...env }, '') as TemporalSettings;
      for (const [side, connect] of [
        ['client', () => connectClient(settings, { connectTimeoutMs: 10_000 })],
        ['worker', () => connectWorker(settings)],
      ] as const) {
        const started = Date.now();
        const error = await (connect() as Promise<unknown>).then(
          () => null,
          (e: unknown) => e,
        );
        const ms = Date.now() - started;
        expect(error).toBeInstanceOf(TemporalConnectionError);
        expect((error as Error).message).toMatch(problem);
        expectNoKeyMaterial(proxy, (error as Error).message);
        timings.push(`${label}, ${side}: ${ms} ms`);
      }
    }
    console.log(`connection failures (connect call to error):\n  ${timings.join('\n  ')}`);
  });
});
