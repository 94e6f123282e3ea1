import { writePaceControls } from '@btc/data';
import { TICKET_CACHE_TASK_QUEUE, bytemarkTaskQueue, sweepWorkflowId, type SweepProgress } from '@btc/workflows';
import {
  freePort,
  openHarness,
  startWorkerProcess,
  type Harness,
  type WorkerProcess,
} from '@btc/worker-runtime/testing';
import { runCliProcess } from '../testing/cli-process';
import { readServerRateLimit, setServerRateLimit } from './server-rate-limit';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `bytemark rate-limit | pause | resume | controls` through the CLI's own process, against a real
 * worker process (its own pacer, its own /metrics) on the service's task queue in the test
 * namespace, and the simulator's call counts: what reaches a running worker, and how fast.
 */
describe('cli bytemark: live controls reach a running worker', () => {
  const USERS = 150;
  const CONFIGURED_RPS = 8;
  const bytemarkQueue = bytemarkTaskQueue(TICKET_CACHE_TASK_QUEUE);
  let h: Harness;
  let worker: WorkerProcess;
  let env: NodeJS.ProcessEnv;
  let metricsUrl: string;

  /** The worker's `bytemark_rate_limit_calls_per_second`: its pacer's `callsPerSecond`, read at scrape time. */
  async function pacerLimit(): Promise<number> {
    const text = await (await fetch(metricsUrl)).text();
    const line = text.split('\n').find((l) => l.startsWith('bytemark_rate_limit_calls_per_second '));
    return Number(line?.split(' ')[1]);
  }

  /** Bytemark calls per second the simulator answered over `ms`. */
  async function callRate(ms: number): Promise<{ calls: number; perSecond: number }> {
    await h.admin.resetCounters();
    await sleep(ms);
    const { total } = await h.admin.rate();
    return { calls: total, perSecond: Math.round((total / (ms / 1000)) * 10) / 10 };
  }

  async function resetControls(): Promise<void> {
    await writePaceControls(h.dependencies.sequelize, { rateLimitRps: null, paused: null });
    await setServerRateLimit(h.client, bytemarkQueue, null, 'test cleanup');
  }

  beforeAll(async () => {
    h = await openHarness({ users: USERS, passesPerUser: 1 });
    await h.reset();
    await h.seedTokens();
    await resetControls();
    await h.client.workflow
      .getHandle(sweepWorkflowId('manual'))
      .terminate('left over from an earlier test run')
      .catch(() => undefined);
    const [metricsPort, healthPort, sdkPort] = [await freePort(), await freePort(), await freePort()];
    const workerVariables = {
      BYTEMARK_RATE_LIMIT_RPS: String(CONFIGURED_RPS),
      WORKER_SERVE: '1',
      WORKER_METRICS_PORT: String(metricsPort),
      WORKER_HEALTH_PORT: String(healthPort),
      WORKER_SDK_METRICS_ADDRESS: `127.0.0.1:${sdkPort}`,
    };
    worker = startWorkerProcess(h, TICKET_CACHE_TASK_QUEUE, workerVariables);
    await worker.ready;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    env = h.workerEnv(TICKET_CACHE_TASK_QUEUE, { BYTEMARK_RATE_LIMIT_RPS: String(CONFIGURED_RPS) });
  }, 60_000);
  afterAll(async () => {
    await worker?.kill();
    if (h) await resetControls();
    await h?.close();
  });

  it("a rate-limit change reaches the running worker's pacer within seconds, and sets the Temporal queue's limit", async () => {
    const sweep = await runCliProcess(['--json', 'sweep', '--mode', 'check'], env);
    expect(sweep.code).toBe(0);
    const handle = h.client.workflow.getHandle<() => Promise<SweepProgress>>(sweepWorkflowId('manual'));
    // The worker's pacer starts reading its controls with its first calls.
    while ((await h.admin.rate()).total < 10) await sleep(200);
    const before = await callRate(4000);
    expect(await pacerLimit()).toBe(CONFIGURED_RPS);

    const changedAt = Date.now();
    const set = await runCliProcess(
      ['--json', 'bytemark', 'rate-limit', '40', '--reason', 'spec: contract raised'],
      env,
    );
    expect(set.code).toBe(0);
    const doc = JSON.parse(set.stdout) as {
      capacity: { rateLimitRps: number; rateLimitSource: string; refreshesPerHour: number };
      serverRateLimit: { applied: boolean; limit?: { apiRefreshesPerSecond: number; source: string; reason: string } };
    };
    expect(doc.capacity).toMatchObject({ rateLimitRps: 40, rateLimitSource: 'operator', refreshesPerHour: 68_400 });
    // 40 calls/s, 2 calls a refresh, at the server's 92 % share: 18.4 refreshes a second, set through the API.
    expect(doc.serverRateLimit).toMatchObject({
      applied: true,
      limit: { apiRefreshesPerSecond: 18.4, source: 'api', reason: 'spec: contract raised' },
    });
    let reachedMs = -1;
    while (reachedMs < 0) {
      if ((await pacerLimit()) === 40) reachedMs = Date.now() - changedAt;
      else await sleep(100);
    }
    const after = await callRate(4000);
    console.log(
      `rate limit ${CONFIGURED_RPS} -> 40 calls/s: the worker's pacer followed ${reachedMs} ms after the CLI started ` +
        `(the CLI process took ${set.ms} ms); Bytemark calls ${before.perSecond}/s before (${before.calls} in 4 s), ` +
        `${after.perSecond}/s after (${after.calls} in 4 s)`,
    );
    expect(after.calls).toBeGreaterThan(before.calls);
    const summary = await handle.result();
    expect(summary).toMatchObject({ usersSeen: USERS, failed: 0, stoppedBy: 'done' });

    const reset = await runCliProcess(['--json', 'bytemark', 'rate-limit', '--reset'], env);
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({
      capacity: { rateLimitRps: CONFIGURED_RPS, rateLimitSource: 'config' },
      serverRateLimit: { applied: true, limit: { apiRefreshesPerSecond: null } },
    });
    expect((await readServerRateLimit(h.client, bytemarkQueue)).apiRefreshesPerSecond).toBeNull();
  }, 120_000);

  it('pause makes refreshes answer paused without a Bytemark call, status and doctor say so, and resume restores', async () => {
    const paused = await runCliProcess(['--json', 'bytemark', 'pause', '--reason', 'Bytemark outage'], env);
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ capacity: { paused: { reason: 'Bytemark outage' } } });

    await h.admin.resetCounters();
    const duringPause = await runCliProcess(['--json', 'refresh', '5', '--wait'], env);
    expect(duringPause.code).toBe(0);
    expect(JSON.parse(duringPause.stdout)).toMatchObject({ userId: 5, summary: { outcome: 'paused' } });
    const sweep = await runCliProcess(['--json', 'sweep', '--mode', 'check', '--wait'], env);
    expect(JSON.parse(sweep.stdout)).toMatchObject({ summary: { stoppedBy: 'paused', refreshed: {} } });
    expect((await h.admin.rate()).total).toBe(0);
    // The worker counts the outcome (the metrics contract's `paused`).
    const metrics = await (await fetch(metricsUrl)).text();
    expect(metrics).toMatch(/^ticket_cache_refreshes_total\{trigger="manual",outcome="paused"\} 1$/m);

    const doctor = await runCliProcess(['--json', 'doctor'], env);
    expect(doctor.code).toBe(3);
    const check = (
      JSON.parse(doctor.stdout) as { checks: Array<{ name: string; ok: boolean; fix?: string }> }
    ).checks.find((c) => c.name === 'capacity');
    expect(check).toMatchObject({ ok: false, fix: '`npm run cli -- bytemark resume` once Bytemark is back' });

    const status = await runCliProcess(['status'], env);
    expect(status.stdout).toMatch(
      /^rate limit: +8 calls\/s \(BYTEMARK_RATE_LIMIT_RPS\), PAUSED since \S+ \("Bytemark outage"\)$/m,
    );
    const controls = await runCliProcess(['bytemark', 'controls'], env);
    expect(controls.stdout).toContain('PAUSED since');
    expect(controls.stdout).toMatch(/^temporal queue: +bytemark-ticket-cache\.bytemark-api: none set through the API/m);

    const resumed = await runCliProcess(['--json', 'bytemark', 'resume'], env);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      capacity: { paused: null },
      wasPausedSince: expect.any(String),
    });
    const afterResume = await runCliProcess(['--json', 'refresh', '5', '--wait'], env);
    // Built when this test runs alone, unchanged after the sweep of the test before.
    expect(['built', 'unchanged']).toContain(
      (JSON.parse(afterResume.stdout) as { summary: { outcome: string } }).summary.outcome,
    );
    // Two list calls (v1 and v4) for the one refresh.
    expect((await h.admin.rate()).total).toBe(2);
  }, 120_000);
});
