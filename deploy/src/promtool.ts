import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { PrometheusNotInstalledError } from './errors';

/** Debian's package path (`apt-get install -y prometheus`), where .ci/run installs it. */
export const PROMTOOL = '/usr/bin/promtool';

/** Runs promtool with these arguments; `output` is its stdout and stderr together, for a failing test to print. */
export function promtool(args: string[], cwd?: string): { status: number; output: string } {
  try {
    accessSync(PROMTOOL, constants.X_OK);
  } catch {
    throw new PrometheusNotInstalledError(PROMTOOL);
  }
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status ?? 1, output: `${run.stdout ?? ''}${run.stderr ?? ''}${run.error?.message ?? ''}` };
}
