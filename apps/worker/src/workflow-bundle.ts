import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { workflowsPath } from '@btc/workflows';

/**
 * Where `npm run build` (src/bundle-workflows.ts) writes the prebuilt workflow bundle: `apps/worker/dist/`,
 * found the same way from `src/main.ts` under tsx and from the compiled `dist/main.js`.
 */
export const WORKFLOW_BUNDLE_PATH = join(__dirname, '..', 'dist', 'workflow-bundle.js');

/**
 * Thrown at the worker's start when the prebuilt workflow bundle is missing where it must be used: in
 * production (no webpack at start: it is slow, memory-hungry and would run code nobody built and tested),
 * or in the compiled worker, which carries no workflow sources to bundle from.
 */
export class WorkflowBundleMissingError extends Error {
  readonly type = 'workflow-bundle-missing';

  constructor(readonly path: string) {
    super(`the prebuilt workflow bundle ${path} is missing: run \`npm run build\` before starting the worker`);
    this.name = 'WorkflowBundleMissingError';
  }
}

/**
 * The bundle the worker runs: the prebuilt one when it exists; otherwise `undefined` in development, where the
 * worker bundles `libs/workflows` from source at start. Throws `WorkflowBundleMissingError` in production.
 */
export function prebuiltWorkflowBundle(options: {
  production: boolean;
  path?: string;
  sourcesAvailable?: boolean;
}): string | undefined {
  const path = options.path ?? WORKFLOW_BUNDLE_PATH;
  if (existsSync(path)) return path;
  if (options.production || !(options.sourcesAvailable ?? workflowsPath !== '')) {
    throw new WorkflowBundleMissingError(path);
  }
  return undefined;
}
