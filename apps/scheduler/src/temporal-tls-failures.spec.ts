import { TICKET_CACHE_TASK_QUEUE } from '@btc/workflows';
import {
  TEMPORAL,
  openHarness,
  startTlsProxy,
  startWorkerProcess,
  type Harness,
  type TlsProxy,
} from '@btc/worker-runtime/testing';
import { expectNoKeyMaterial, misconfigurations, runCli } from './tls.fixture';

let h: Harness;
let proxy: TlsProxy;

beforeAll(async () => {
  proxy = await startTlsProxy({ upstream: TEMPORAL.address });
  h = await openHarness({ users: 1, passesPerUser: 1, firstUserId: 7_200_001 });
});
afterAll(async () => {
  await h?.close();
  await proxy?.stop();
});

describe('a worker, `schedule ensure` and `refresh --wait` against Temporal behind mTLS, misconfigured', () => {
  jest.setTimeout(60_000);

  it.each(misconfigurations(() => proxy))(
    '%s, each process exits 1 with the problem in words, and no key',
    async (label, env, problem) => {
      const started = Date.now();
      const worker = startWorkerProcess(h, TICKET_CACHE_TASK_QUEUE, env(), { captureOutput: true });
      const ready = worker.ready.then(
        () => 'ready',
        (error: Error) => error.message,
      );
      const workerExit = worker.exited.then((code) => ({ code, ms: Date.now() - started }));
      const cliEnv = h.workerEnv(TICKET_CACHE_TASK_QUEUE, env());
      const [ensure, refresh, workerRun] = await Promise.all([
        runCli(['schedule', 'ensure'], cliEnv),
        runCli(['refresh', '7200001', '--wait'], cliEnv),
        workerExit,
      ]);
      expect(await ready).toMatch(/exited before ready/);
      expect(workerRun.code).toBe(1);
      expect(worker.output()).toMatch(problem);
      for (const run of [ensure, refresh]) {
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/^error: cannot connect to Temporal at 127\.0\.0\.1:\d+, namespace /m);
        expect(run.stderr).toMatch(problem);
      }
      console.log(
        `${label}: the worker process exited after ${workerRun.ms} ms, schedule ensure after ${ensure.ms} ms, ` +
          `refresh --wait after ${refresh.ms} ms (start to exit, three at once):\n  ${refresh.stderr.trim()}`,
      );
      expectNoKeyMaterial(proxy, worker.output() + ensure.stdout + ensure.stderr + refresh.stdout + refresh.stderr);
    },
  );
});
