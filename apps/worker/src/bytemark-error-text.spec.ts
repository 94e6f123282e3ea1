import { QueryTypes } from 'sequelize';
import { processRefreshLogQueueWorkflow } from '@btc/workflows/workflows';
import { openHarnessRecordingSlack, type SlackRecordingHarness } from '@btc/worker-runtime/testing';

const USER = 21_001;
let h: SlackRecordingHarness;

beforeAll(async () => {
  h = await openHarnessRecordingSlack({
    users: 2,
    passesPerUser: 2,
    firstUserId: USER,
  });
  await h.reset();
  await h.seedTokens();
});
afterAll(async () => {
  await h?.close();
});

describe("Bytemark's error text never reaches history, the failure reasons or Slack", () => {
  jest.setTimeout(120_000);

  it('an error body echoing the e-mail, password and token leaves only its code in the activity failure, the failure reason row and the Slack alert', async () => {
    const account = await h.admin.user(USER);
    if (!account.token) throw new Error('the seeded user has no token');
    const secrets = [account.email, account.password, account.token];
    const echo = `Account ${account.email} declined: password ${account.password}, token ${account.token}`;
    await h.admin.setFaults({ 'GET /passes': { httpStatus: 403, errorMessage: echo, userId: USER } });
    const rowId = await h.dependencies.deps.refreshLog.insert({ userId: USER, activityType: 1 });

    const { result, histories } = await h.withWorkers(async (taskQueue) => {
      const run = await h.client.workflow.execute(processRefreshLogQueueWorkflow, {
        taskQueue,
        workflowId: `${taskQueue}-queue`,
        args: [{}],
      });
      const texts: string[] = [];
      for await (const wf of h.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
        texts.push(JSON.stringify(await h.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
      }
      return { result: run, histories: texts };
    });
    expect(result).toMatchObject({ refreshRows: 1, rowsFailed: 1 });

    // The activity failure in history: its type and Bytemark's code, nothing the body echoed.
    const failed = histories.filter((text) => text.includes('activityTaskFailedEventAttributes'));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.join('\n')).toContain('code 40300 (message withheld, logged redacted)');
    const [row] = await h.dependencies.sequelize.query<{ reason: string }>(
      'SELECT reason FROM bytemark_refresh_log_failures WHERE row_id = ?',
      { replacements: [rowId], type: QueryTypes.SELECT },
    );
    expect(row?.reason).toContain('BytemarkForbiddenError');
    expect(row?.reason).toContain('code 40300');
    const slackBodies = h.slack.requests.map((r) => JSON.stringify(r.body));
    expect(slackBodies.join('\n')).toContain('code 40300');

    for (const text of [...histories, row?.reason ?? '', ...slackBodies]) {
      for (const secret of [...secrets, 'declined']) expect(text).not.toContain(secret);
    }
  });
});
