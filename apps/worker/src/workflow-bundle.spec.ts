import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowBundleMissingError, prebuiltWorkflowBundle } from './workflow-bundle';

describe('the prebuilt workflow bundle at worker start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-bundle-'));
  const present = join(dir, 'workflow-bundle.js');
  writeFileSync(present, '// bundle');
  const missing = join(dir, 'missing', 'workflow-bundle.js');

  it('a production worker runs the prebuilt bundle when it exists', () => {
    expect(prebuiltWorkflowBundle({ production: true, path: present })).toBe(present);
  });

  it('a production worker refuses to start without the bundle, naming the file and `npm run build`', () => {
    expect(() => prebuiltWorkflowBundle({ production: true, path: missing })).toThrow(WorkflowBundleMissingError);
    expect(() => prebuiltWorkflowBundle({ production: true, path: missing })).toThrow(
      `the prebuilt workflow bundle ${missing} is missing: run \`npm run build\` before starting the worker`,
    );
  });

  it('a development worker without the bundle bundles the workflows from source', () => {
    expect(prebuiltWorkflowBundle({ production: false, path: missing })).toBeUndefined();
  });

  it('a compiled worker without the bundle refuses to start, even outside production', () => {
    expect(() => prebuiltWorkflowBundle({ production: false, path: missing, sourcesAvailable: false })).toThrow(
      WorkflowBundleMissingError,
    );
  });
});
