import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPORAL_ADDRESS } from '@btc/worker-runtime/testing';

/** `UPDATE_HISTORY_FIXTURES=1` rewrites the replay fixtures from the test runs that record them (then commit them). */
export const UPDATE_FIXTURES = process.env['UPDATE_HISTORY_FIXTURES'] === '1';
export const FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'histories');
const TEMPORAL_CLI = join(__dirname, '..', '..', '..', '..', '.tools', 'bin', 'temporal');

/** A run's history as the Temporal CLI exports it (what the UI's "Download" gives, and what replay reads). */
export function exportHistory(workflowId: string, runId?: string): string {
  return execFileSync(
    TEMPORAL_CLI,
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      ...(runId ? ['--run-id', runId] : []),
      '--output',
      'json',
      '--address',
      TEMPORAL_ADDRESS,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

/**
 * The workflow id each fixture was recorded under (`<name>.json` → id): replay must run a history under
 * its own id, since a workflow may derive ids from it (the sweep names its batches after itself).
 */
export const FIXTURE_WORKFLOW_IDS = join(FIXTURES_DIR, 'workflow-ids.json');

export function fixtureWorkflowIds(): Record<string, string> {
  return existsSync(FIXTURE_WORKFLOW_IDS)
    ? (JSON.parse(readFileSync(FIXTURE_WORKFLOW_IDS, 'utf8')) as Record<string, string>)
    : {};
}

/** Writes a run's history as a replay fixture when `UPDATE_HISTORY_FIXTURES=1`; returns the export either way. */
export function recordFixture(name: string, workflowId: string, runId?: string): string {
  const json = exportHistory(workflowId, runId);
  if (UPDATE_FIXTURES) {
    writeFileSync(join(FIXTURES_DIR, `${name}.json`), json);
    const ids = { ...fixtureWorkflowIds(), [`${name}.json`]: workflowId };
    const sorted = Object.fromEntries(Object.entries(ids).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(FIXTURE_WORKFLOW_IDS, `${JSON.stringify(sorted, null, 2)}\n`);
  }
  return json;
}
