import { QueryTypes } from 'sequelize';
import { StagingRepository } from '@btc/data';
import { ingestPassInteractions } from '@btc/ticket-cache-client';
import { ingestPassInteractionsWorkflow } from '@btc/workflows/workflows';
import { recordFixture } from './testing/history-fixtures';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 1, passesPerUser: 1, firstUserId: 5001 });
  await h.reset();
});
afterAll(() => h?.close());

async function tableCount(): Promise<number> {
  const [row] = await h.dependencies.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM hntb_bytemark_pass', {
    type: QueryTypes.SELECT,
  });
  return Number(row?.n);
}

/** Batch ids are content hashes, and the dev server keeps earlier runs: make this run's batches its own. */
const RUN = Date.now().toString(36);
const STARTED = new Date().toISOString();

describe(ingestPassInteractionsWorkflow.name, () => {
  jest.setTimeout(120_000);

  it('inserts a batch once when the same batch is submitted twice, concurrently or later', async () => {
    const batch = Array.from({ length: 300 }, (_, i) => ({
      bytemarkPassId: 7_000 + i,
      userId: `hashed-${RUN}-${i % 7}`,
      loggedOn: '2025-03-01T10:00:00Z',
    }));
    batch.push({ bytemarkPassId: -5, userId: 'bad', loggedOn: '2025-03-01T10:00:00Z' });
    await h.withWorkers(async (taskQueue) => {
      const [a, b] = await Promise.all([
        ingestPassInteractions(h.client, batch, { taskQueue }),
        ingestPassInteractions(h.client, batch, { taskQueue }),
      ]);
      expect(a).toEqual({
        inserted: 300,
        duplicates: 0,
        rejected: 1,
        rejects: [{ index: 300, reason: expect.stringContaining('bytemarkPassId') }],
      });
      expect(b).toEqual(a);
      const later = await ingestPassInteractions(h.client, batch, { taskQueue });
      expect(later).toEqual(a);
    });
    for await (const wf of h.client.workflow.list({
      query: `WorkflowType = '${ingestPassInteractionsWorkflow.name}' AND StartTime >= '${STARTED}'`,
    })) {
      recordFixture('ingest-inline', wf.workflowId, wf.runId);
      break;
    }
    expect(await tableCount()).toBe(300);
  });

  it('takes a large batch by reference through staging, so history stays small', async () => {
    const batch = Array.from({ length: 5_000 }, (_, i) => ({
      bytemarkPassId: 100_000 + i,
      userId: `u-${RUN}-${i % 50}`,
    }));
    const staging = new StagingRepository(h.dependencies.mongo);
    const since = new Date().toISOString();
    await h.withWorkers(async (taskQueue) => {
      const result = await ingestPassInteractions(h.client, batch, { taskQueue, staging });
      expect(result).toMatchObject({ inserted: 5_000, duplicates: 0, rejected: 0 });
    });
    expect(await tableCount()).toBe(5_300);
    const handles = [];
    const query = `WorkflowType = '${ingestPassInteractionsWorkflow.name}' AND StartTime >= '${since}'`;
    for (let i = 0; i < 50 && handles.length === 0; i++) {
      for await (const wf of h.client.workflow.list({ query })) handles.push(wf.workflowId);
      if (handles.length === 0) await new Promise((r) => setTimeout(r, 200)); // visibility is eventually consistent
    }
    expect(handles).toHaveLength(1);
    const history = await h.client.workflow.getHandle(handles[0]!).fetchHistory();
    // 5,000 rows inline would be ~400 KB; by reference the whole history is a few KB.
    expect(JSON.stringify(history).length).toBeLessThan(20_000);
  });

  it('refuses a large batch without a staging port, naming the limit', async () => {
    const batch = Array.from({ length: 501 }, (_, i) => ({ bytemarkPassId: i + 1, userId: 'u' }));
    await expect(ingestPassInteractions(h.client, batch)).rejects.toThrow(/exceed 500/);
  });
});
