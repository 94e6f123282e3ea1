import { temporal } from '@temporalio/proto';
import { bytemarkTaskQueue } from '@btc/workflows';
import { openHarness, type Harness } from './testing/harness';

const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = temporal.api.enums.v1.TaskQueueType;

let h: Harness;
beforeAll(async () => {
  h = await openHarness({ users: 1, passesPerUser: 1, firstUserId: 7001 });
});
afterAll(() => h?.close());

async function pollers(name: string, type: temporal.api.enums.v1.TaskQueueType): Promise<number> {
  const described = await h.client.workflowService.describeTaskQueue({
    namespace: h.client.options.namespace,
    taskQueue: { name },
    taskQueueType: type,
  });
  return described.pollers?.length ?? 0;
}

describe('createWorkers', () => {
  it('polls the workflows queue for workflows and activities, and the Bytemark queue derived from it for activities', async () => {
    await h.withWorkers(async (taskQueue) => {
      const bytemark = bytemarkTaskQueue(taskQueue);
      let seen = { workflows: 0, activities: 0, bytemark: 0, bytemarkWorkflows: 0 };
      // The server lists a poller once it has polled: give the workers a moment.
      for (let i = 0; i < 50 && !(seen.workflows && seen.activities && seen.bytemark); i++) {
        seen = {
          workflows: await pollers(taskQueue, TASK_QUEUE_TYPE_WORKFLOW),
          activities: await pollers(taskQueue, TASK_QUEUE_TYPE_ACTIVITY),
          bytemark: await pollers(bytemark, TASK_QUEUE_TYPE_ACTIVITY),
          bytemarkWorkflows: await pollers(bytemark, TASK_QUEUE_TYPE_WORKFLOW),
        };
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen).toEqual({ workflows: 1, activities: 1, bytemark: 1, bytemarkWorkflows: 0 });
    });
  });
});
