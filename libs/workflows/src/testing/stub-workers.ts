/**
 * Workflow specs with stubbed activities on the real Temporal server (the environment's TEMPORAL_*,
 * as the worker-runtime harness reads them): the workflows of this lib, bundled once per spec file,
 * run by real workers on a task queue of their own for each test, with the test's activity stubs on
 * both queues (the workflows' and the derived Bytemark queue). No database, no simulator.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { connectClient, explainConnectionFailure, loadConfig } from '@btc/config';
import type {
  RefreshQueueActivities,
  ResearchActivities,
  StagingActivities,
  SweepActivities,
  UserRefreshActivities,
} from '../activity-contracts';
import { bytemarkTaskQueue } from '../ids';
import { workflowsPath } from '../index';

/** Any subset of the activity contracts: a workflow that calls one left out fails (the activity type is unknown). */
export type StubActivities = Partial<
  UserRefreshActivities & SweepActivities & RefreshQueueActivities & ResearchActivities & StagingActivities
>;

export interface WorkflowTestEnv {
  client: Client;
  /**
   * Runs `fn` while workers with these stubs poll a fresh task queue; stops them after, and
   * terminates what the test left running on that queue.
   */
  withWorkers<T>(activities: StubActivities, fn: (taskQueue: string) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const SILENT = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
let runtimeInstalled = false;

export async function openWorkflowTestEnv(): Promise<WorkflowTestEnv> {
  if (!runtimeInstalled) {
    // The SDK's errors only: a spec's output is its results, not every worker's state changes and
    // the Bytemark queue's worker saying it has no workflows to poll for.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const temporal = loadConfig(process.env, ['temporal']).temporal;
  const client = await connectClient(temporal);
  const connection = await NativeConnection.connect(temporal.connection).catch((error: unknown) => {
    throw explainConnectionFailure(error, temporal);
  });
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: SILENT });

  return {
    client,
    async withWorkers(activities, fn) {
      const taskQueue = `test-wf-${randomUUID().slice(0, 8)}`;
      const common = { connection, namespace: temporal.namespace, activities, shutdownGraceTime: 0 };
      const workers = [await Worker.create({ ...common, taskQueue, workflowBundle: { code } })];
      // A worker without workflows needs an activity to poll for.
      if (Object.keys(activities).length > 0) {
        workers.push(await Worker.create({ ...common, taskQueue: bytemarkTaskQueue(taskQueue) }));
      }
      const runs = workers.map((w) => w.run());
      try {
        return await fn(taskQueue);
      } finally {
        await terminateRunning(client, taskQueue);
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await Promise.all(runs);
      }
    },
    async close() {
      await Promise.allSettled([client.connection.close(), connection.close()]);
    },
  };
}

async function terminateRunning(client: Client, taskQueue: string): Promise<void> {
  for await (const wf of client.workflow.list({
    query: `ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`,
  })) {
    await client.workflow
      .getHandle(wf.workflowId, wf.runId)
      .terminate('test over')
      .catch(() => undefined);
  }
}
