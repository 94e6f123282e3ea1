import { TokenCipher, tokenBinding } from '@btc/data';
import { REFRESH_FAILED_SIGNAL, onDemandAlertsWorkflowId } from '@btc/workflows';
import { onDemandAlertsWorkflow, refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { openHarnessRecordingSlack, type SlackRecordingHarness } from '@btc/worker-runtime/testing';
import { recordFixture } from './testing/history-fixtures';

const USERS = 1000;
const FIRST = 10_001;
let h: SlackRecordingHarness;

beforeAll(async () => {
  h = await openHarnessRecordingSlack({
    users: USERS,
    passesPerUser: 1,
    firstUserId: FIRST,
  });
  await h.reset();
  await h.seedTokens();
});
afterAll(async () => {
  await h?.close();
});

const messages = () => h.slack.requests.map((r) => String((r.body as { text?: string }).text));

describe('alerts', () => {
  jest.setTimeout(300_000);

  it('a sweep of 1,000 users under a wrong encryption key fails each at once and posts one message naming decryption', async () => {
    // Every stored token was encrypted under another key: nothing can decrypt it, and retrying cannot help.
    const other = TokenCipher.fromKeyring(`x1:${Buffer.alloc(32, 9).toString('base64')}`);
    await h.dependencies.sequelize.query('UPDATE bytemark_tokens SET token = ?', {
      replacements: [other.encrypt('t', tokenBinding(0, 'token'))],
    });
    const before = h.slack.requests.length;
    const started = Date.now();
    const progress = await h.withWorkers((taskQueue) =>
      h.client.workflow.execute(refreshAllTicketCachesWorkflow, {
        taskQueue,
        workflowId: `${taskQueue}-sweep`,
        args: [{ mode: 'check', trigger: 'manual', select: 'all', maxInFlight: 50 }],
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`wrong key, ${USERS} users: sweep ended in ${seconds} s; ${JSON.stringify(progress.failures.byType)}`);
    expect(progress).toMatchObject({ usersSeen: USERS, failed: USERS });
    expect(Object.keys(progress.failures.byType)).toEqual(['TokenDecryptionError']);
    const posted = messages().slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatch(/1000 failed after their retries: TokenDecryptionError: 1000 \(users /);
    // One attempt each: the failure map marks a decryption failure non-retryable.
    expect(seconds).toBeLessThan(120);
  });

  it('failures of on-demand refreshes are posted as one digest per window, grouped by type', async () => {
    const ids = [FIRST + 1, FIRST + 2, FIRST + 3];
    await h.withWorkers(async (taskQueue) => {
      // The digest window of this test's alerts workflow is 3 seconds (5 minutes in production).
      await h.client.workflow.start(onDemandAlertsWorkflow, {
        taskQueue,
        workflowId: onDemandAlertsWorkflowId(taskQueue),
        args: [{ windowMinutes: 0.05 }],
      });
      const before = h.slack.requests.length;
      const results = await Promise.allSettled(
        ids.map((id) => requestTicketRefresh(h.client, id, { taskQueue, wait: true })),
      );
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      for (let i = 0; i < 50 && h.slack.requests.length === before; i++) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 1000));
      const posted = messages().slice(before);
      expect(posted).toHaveLength(1);
      expect(posted[0]).toMatch(/3 refreshes outside the hourly sweep failed .*TokenDecryptionError: 3/);
      recordFixture('on-demand-alerts', onDemandAlertsWorkflowId(taskQueue));
      await h.client.workflow.getHandle(onDemandAlertsWorkflowId(taskQueue)).terminate('test over');
    });
  });

  it('the first failure starts the alerts workflow by signal-with-start: nobody is its parent, and it holds that failure', async () => {
    const userId = FIRST + 4;
    await h.withWorkers(async (taskQueue) => {
      const alerts = h.client.workflow.getHandle(onDemandAlertsWorkflowId(taskQueue));
      // The key is still wrong: the refresh fails, and reports it before it fails.
      await expect(requestTicketRefresh(h.client, userId, { taskQueue, wait: true })).rejects.toThrow();
      const described = await alerts.describe();
      expect(described.status.name).toBe('RUNNING');
      expect(described.parentExecution).toBeUndefined();
      const signals = ((await alerts.fetchHistory()).events ?? []).flatMap(
        (e) => e.workflowExecutionSignaledEventAttributes ?? [],
      );
      expect(signals.map((s) => s.signalName)).toEqual([REFRESH_FAILED_SIGNAL]);
      const failure = JSON.parse(Buffer.from(signals[0]!.input!.payloads![0]!.data!).toString('utf8')) as unknown;
      expect(failure).toEqual({ userId, type: 'TokenDecryptionError', alert: true });
      await alerts.terminate('test over');
    });
  });
});
