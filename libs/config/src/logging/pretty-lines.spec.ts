import { prettyLine } from './pretty-lines';

const time = Date.UTC(2026, 10, 30, 12, 4, 5, 120);

describe('prettyLine', () => {
  it("shows an activity's line with the user and workflow first, without Temporal's per-task noise", () => {
    const json = JSON.stringify({
      level: 30,
      time,
      pid: 1,
      name: 'worker',
      sdkComponent: 'activity',
      taskQueue: 'bytemark-ticket-cache.bytemark-api',
      taskToken: 'dGVzdA==',
      namespace: 'default',
      activityId: 'refresh-1',
      activityType: 'refreshUserTickets',
      attempt: 1,
      workflowId: 'bytemark-ticket-cache-1234',
      workflowRunId: 'r',
      workflowType: 'refreshTicketCacheWorkflow',
      isLocal: false,
      userId: 1234,
      summary: { outcome: 'updated', created: 3 },
      msg: 'refresh user 1234 updated: +3 ~1 -0, 2 free, 412 ms',
    });
    expect(prettyLine(json, { color: false })).toBe(
      '12:04:05.120 INFO  worker: refresh user 1234 updated: +3 ~1 -0, 2 free, 412 ms ' +
        'userId=1234 workflowId=bytemark-ticket-cache-1234 activityType=refreshUserTickets\n',
    );
  });

  it("a worker's own line keeps its task queue, a retry its attempt, and an error is printed below with its causes", () => {
    const json = JSON.stringify({
      level: 40,
      time,
      name: 'worker',
      taskQueue: 'bytemark-ticket-cache',
      attempt: 3,
      error: {
        type: 'SequelizeDatabaseError',
        message: 'gone',
        cause: { type: 'Error', code: 'ER_NO_SUCH_TABLE', message: 'gone' },
      },
      msg: 'Activity failed',
    });
    expect(prettyLine(json, { color: false })).toBe(
      [
        '12:04:05.120 WARN  worker: Activity failed taskQueue=bytemark-ticket-cache attempt=3',
        '    SequelizeDatabaseError: gone',
        '      caused by: Error [ER_NO_SUCH_TABLE]: gone',
        '',
      ].join('\n'),
    );
  });

  it('a line that is not JSON passes through unchanged', () => {
    expect(prettyLine('worker-ready', { color: false })).toBe('worker-ready\n');
  });
});
