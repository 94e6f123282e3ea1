import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '@btc/workflows';
import { WORKFLOW_BUNDLE_PATH } from './workflow-bundle';

/** Build step: bundles the workflows once, so production workers start without webpack. */
async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath });
  mkdirSync(dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
  writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  console.log(`workflow bundle: ${WORKFLOW_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
