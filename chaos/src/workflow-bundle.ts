/**
 * The campaign's worker loads a prebuilt workflow bundle, as production workers do: a restarted
 * worker then polls within seconds instead of bundling again (webpack) after every kill.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '@btc/workflows';

const OUT_DIR = join(__dirname, '..', '..', '.data', 'chaos');

export async function buildWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, 'workflow-bundle.js');
  writeFileSync(file, code);
  return file;
}
