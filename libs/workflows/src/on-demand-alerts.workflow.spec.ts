import { randomUUID } from 'node:crypto';
import { onDemandAlertsWorkflow, refreshFailedSignal } from './on-demand-alerts.workflow';
import { openWorkflowTestEnv, type WorkflowTestEnv } from './testing/stub-workers';

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openWorkflowTestEnv();
});
afterAll(() => env?.close());

/** A Slack stub that counts the failures its messages report, by type, and resolves once `expected` are counted. */
function slackCounting(expected: number) {
  const byType: Record<string, number> = {};
  let total = 0;
  let allCounted!: () => void;
  const counted = new Promise<void>((resolve) => (allCounted = resolve));
  return {
    byType,
    counted,
    messages: [] as string[],
    async notifySlack({ text }: { text: string }) {
      this.messages.push(text);
      total += Number(/: (\d+) refreshes outside the hourly sweep failed/.exec(text)?.[1]);
      for (const [, type, n] of text.matchAll(/(\w+): (\d+) \(users/g))
        byType[type!] = (byType[type!] ?? 0) + Number(n);
      if (total >= expected) allCounted();
      return { posted: true };
    },
  };
}

/** Resolves once the run `runId` of `workflowId` has continued as new (polls the run's description). */
async function continuedAsNew(workflowId: string, runId: string): Promise<void> {
  const handle = env.client.workflow.getHandle(workflowId, runId);
  while ((await handle.describe()).status.name !== 'CONTINUED_AS_NEW') await new Promise((r) => setTimeout(r, 50));
}

/** The signals each run of the chain received, following continue-as-new from the first run. */
async function signalsPerRunOf(workflowId: string, firstRunId: string): Promise<number[]> {
  const signals: number[] = [];
  for (let run = await runOf(workflowId, firstRunId); ; run = await runOf(workflowId, run.next)) {
    signals.push(run.signals);
    if (!run.next) return signals;
  }
}

async function runOf(workflowId: string, runId: string): Promise<{ signals: number; next: string }> {
  const events = (await env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  return {
    signals: events.filter((e) => e.workflowExecutionSignaledEventAttributes).length,
    next: events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? '',
  };
}

describe('the on-demand alerts workflow', () => {
  it('continues as new every signalsPerRun failures and loses none: each is counted in a message', async () => {
    const slack = slackCounting(65);
    await env.withWorkers({ notifySlack: (input) => slack.notifySlack(input) }, async (taskQueue) => {
      const workflowId = `alerts-${randomUUID()}`;
      const handle = await env.client.workflow.start(onDemandAlertsWorkflow, {
        taskQueue,
        workflowId,
        args: [{ windowMinutes: 0.05, signalsPerRun: 20 }],
      });
      // An outage: 65 refreshes fail, 40 of one type and 25 of another, in waves of 20 (each fills a run).
      const failure = (i: number) => ({
        userId: i + 1,
        type: i < 40 ? 'BytemarkUnavailableError' : 'TokenDecryptionError',
        alert: false,
      });
      for (let first = 0; first < 65; first += 20) {
        const { runId } = await handle.describe();
        const wave = Array.from({ length: Math.min(20, 65 - first) }, (_, i) => failure(first + i));
        await Promise.all(wave.map((f) => handle.signal(refreshFailedSignal, f)));
        if (wave.length === 20) await continuedAsNew(workflowId, runId);
      }
      await slack.counted;
      expect(slack.byType).toEqual({ BytemarkUnavailableError: 40, TokenDecryptionError: 25 });
      const runs = await signalsPerRunOf(workflowId, handle.firstExecutionRunId);
      // Each run took its 20 and continued as new; the last one is still gathering.
      expect(runs).toEqual([20, 20, 20, 5]);
    });
  });
});
