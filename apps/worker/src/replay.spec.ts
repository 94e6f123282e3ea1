import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowsPath } from '@btc/workflows';

const FIXTURES = join(__dirname, 'fixtures', 'histories');

describe('replaying recorded histories', () => {
  jest.setTimeout(120_000);

  it('every committed history replays without non-determinism against the current workflow code', async () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const histories = files.map((f) => ({
      workflowId: f,
      history: JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
