import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowsPath } from '@btc/workflows';
import * as workflows from '@btc/workflows/workflows';
import { FIXTURES_DIR as FIXTURES, fixtureWorkflowIds } from './testing/history-fixtures';

interface ExportedHistory {
  events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }>;
}

const ids = fixtureWorkflowIds();
const histories = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json') && f !== 'workflow-ids.json')
  .map((f) => ({
    file: f,
    workflowId: ids[f] ?? f,
    history: JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as ExportedHistory,
  }));

describe('replaying recorded histories', () => {
  jest.setTimeout(120_000);

  it('there is a recorded history of every workflow type the worker registers', () => {
    const registered = Object.entries(workflows)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name)
      .sort();
    const recorded = new Set(
      histories.map((h) => h.history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name),
    );
    expect(registered.filter((type) => !recorded.has(type))).toEqual([]);
  });

  it('every recorded history replays without non-determinism', async () => {
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
