/**
 * The bench's workers load a prebuilt workflow bundle, as production workers do (apps/worker's
 * `bundle-workflows.ts`): bundling at start (webpack) would add its own peak to the worker's memory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '@btc/workflows';

const OUT_DIR = join(__dirname, '..', '..', '.data', 'bench');

async function bundle(entry: string, name: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: entry,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `${name}-workflow-bundle.js`);
  writeFileSync(file, code);
  return file;
}

/** Bundles the service's workflows ('ours') and the ceiling's (the service's plus the lever shapes). */
export async function buildWorkflowBundles(): Promise<Record<'ours' | 'ceiling', string>> {
  return {
    ours: await bundle(workflowsPath, 'ours'),
    ceiling: await bundle(require.resolve('./ceiling.workflows'), 'ceiling'),
  };
}
