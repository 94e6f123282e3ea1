import {
  TICKET_CACHE_TASK_QUEUE,
  bytemarkTaskQueue,
  ingestWorkflowId,
  refreshWorkflowId,
  sweepWorkflowId,
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
});
