import { ScheduleNotFoundError } from '@temporalio/client';
import { deleteScheduleIfPresent, ensureSchedule, hourlyScheduleOptions } from '@btc/schedules';
import { HOURLY_SCHEDULE_ID, TICKET_CACHE_TASK_QUEUE, sweepWorkflowId, type SweepProgress } from '@btc/workflows';
import { openHarness, startWorkerProcess, type Harness, type WorkerProcess } from '@btc/worker-runtime/testing';
import { runCliProcess } from '../testing/cli-process';

/**
 * The CLI as a script runs it (its own process, pipes, no terminal) against a real worker process
 * on the service's task queue in the test namespace: what stdout holds with --json, and --yes.
 */
describe('cli refresh, sweep and schedule delete as a script runs them', () => {
  const USERS = 12;
  let h: Harness;
  let worker: WorkerProcess;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    h = await openHarness({ users: USERS, passesPerUser: 2 });
    await h.reset();
    await h.seedTokens();
    // A manual sweep an earlier run left going would hold the sweep's workflow id.
    await h.client.workflow
      .getHandle(sweepWorkflowId('manual'))
      .terminate('left over from an earlier test run')
      .catch(() => undefined);
    worker = startWorkerProcess(h, TICKET_CACHE_TASK_QUEUE);
    await worker.ready;
    env = h.workerEnv(TICKET_CACHE_TASK_QUEUE);
  }, 60_000);
  afterAll(async () => {
    await worker?.kill();
    await deleteScheduleIfPresent(h.client, HOURLY_SCHEDULE_ID);
    await h.close();
  });

  it('sweep --wait --json: stdout is one JSON document (summary and link), the link on stderr, no progress bar off a terminal', async () => {
    const run = await runCliProcess(['sweep', '--wait', '--json'], env);
    console.log(
      `npm run cli -- sweep --wait --json (exit ${run.code}, ${run.ms} ms)\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
    );

    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { workflowId: string; url: string; summary: SweepProgress };
    expect(doc.workflowId).toBe(sweepWorkflowId('manual'));
    expect(doc.url).toMatch(new RegExp(`/namespaces/${h.client.options.namespace}/workflows/${doc.workflowId}$`));
    expect(doc.summary).toMatchObject({ usersSeen: USERS, due: USERS, failed: 0, stoppedBy: 'done' });
    expect(doc.summary.refreshed.built).toBe(USERS);
    // The only other output: the link, on stderr. No bar: stderr is not a terminal.
    expect(run.stderr).toBe(`sweep: ${doc.url}\n`);
  });

  it('refresh --wait --json: one document with the summary; as text, the link then the summary for people', async () => {
    const json = await runCliProcess(['--json', 'refresh', '3', '--wait'], env);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { userId: number; url: string; summary: { outcome: string } };
    expect(doc).toMatchObject({ userId: 3, summary: { outcome: 'unchanged', created: 0, unchanged: 2 } });
    expect(json.stderr).toBe(`refresh: ${doc.url}\n`);

    const text = await runCliProcess(['refresh', '3', '--wait'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^refresh: ${doc.url}\noutcome: unchanged\ncreated: 0\n`));
    expect(text.stderr).toBe('');
  });

  it('schedule delete without --yes and no terminal is refused (exit 2) and the schedule stays; with --yes it is deleted', async () => {
    await ensureSchedule(h.client, hourlyScheduleOptions({ taskQueue: TICKET_CACHE_TASK_QUEUE, maxInFlight: 5 }));
    const handle = h.client.schedule.getHandle(HOURLY_SCHEDULE_ID);

    const refused = await runCliProcess(['schedule', 'delete', '--json'], env);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(
      new RegExp(
        `^error: refusing to delete the schedule ${HOURLY_SCHEDULE_ID} .* without --yes: stdin is not a terminal`,
      ),
    );
    expect((await handle.describe()).scheduleId).toBe(HOURLY_SCHEDULE_ID);

    const deleted = await runCliProcess(['schedule', 'delete', '--yes', '--json'], env);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ scheduleId: HOURLY_SCHEDULE_ID, deleted: true });
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});
