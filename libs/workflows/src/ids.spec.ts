import {
  TICKET_CACHE_TASK_QUEUE,
  batchWorkflowId,
  bytemarkTaskQueue,
  ingestWorkflowId,
  parseRefreshId,
  refreshId,
  refreshWorkflowId,
  sweepWorkflowId,
  userActivityId,
} from './ids';

describe('durable ids', () => {
  it('derives one refresh workflow id per user, so concurrent requests meet on the same id', () => {
    expect(refreshWorkflowId(42)).toBe('bytemark-ticket-cache-42');
    expect(refreshWorkflowId(42)).toBe(refreshWorkflowId(42));
    expect(refreshWorkflowId(42)).not.toBe(refreshWorkflowId(420));
  });

  it("puts Bytemark activities on a queue derived from the workflow's queue", () => {
    expect(bytemarkTaskQueue()).toBe(`${TICKET_CACHE_TASK_QUEUE}.bytemark-api`);
    expect(bytemarkTaskQueue('test-abc')).toBe('test-abc.bytemark-api');
  });

  it('keeps sweep and ingest ids apart from per-user refresh ids', () => {
    expect(sweepWorkflowId('hourly')).not.toMatch(/^bytemark-ticket-cache-\d+$/);
    expect(ingestWorkflowId('abc')).toBe('hntb-pass-ingest-abc');
  });

  it("names a batch after its sweep, the sweep's first run and its first user, without a slash", () => {
    const id = batchWorkflowId({
      sweepWorkflowId: sweepWorkflowId('hourly'),
      sweepFirstRunId: '01a22d72-aaaa',
      firstUserId: 7,
    });
    expect(id).toBe('bytemark-ticket-cache-sweep-hourly-01a22d72-batch-7');
    expect(id).not.toContain('/');
  });

  it('a refresh id names its run (and activity) and parses back; anything else parses to null', () => {
    const inBatch = { workflowId: 'sweep-x-batch-7', runId: 'r-1', activityId: userActivityId(7) };
    expect(parseRefreshId(refreshId(inBatch))).toEqual(inBatch);
    expect(parseRefreshId(refreshId({ workflowId: refreshWorkflowId(7), runId: 'r-2' }))).toEqual({
      workflowId: 'bytemark-ticket-cache-7',
      runId: 'r-2',
    });
    expect(parseRefreshId('bench-prepare')).toBeNull();
    expect(parseRefreshId('a/b/c/d')).toBeNull();
  });
});
