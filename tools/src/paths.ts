import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Pinned versions of the binaries the local stack builds with Go. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const FERRETDB_VERSION = 'v1.24.0';
/** Helm, for the chart's lint and template checks (`deploy/`); built from the Go module proxy like the others. */
export const HELM_VERSION = 'v4.3.2';
/** compose-go, the library Docker Compose loads files with, in `tools/compose-check` (offline `docker compose config`). */
export const COMPOSE_GO_VERSION = 'v2.16.2';

export const repoRoot = resolve(__dirname, '../..');
/**
 * Runtime state of the local stack (SQLite files, logs, pid files); git-ignored. `BTC_DATA_DIR`
 * points a second stack (other ports, see local-stack.ts) at its own.
 */
export const dataDir = process.env['BTC_DATA_DIR'] ? resolve(process.env['BTC_DATA_DIR']) : join(repoRoot, '.data');
/** Links to the cached binaries; git-ignored. */
export const toolsBinDir = join(repoRoot, '.tools', 'bin');

/**
 * Built binaries live outside the clone, keyed by version, so a fresh clone on the same machine
 * reuses them. Override with BTC_TOOLS_CACHE.
 */
export function toolsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['BTC_TOOLS_CACHE']) return resolve(env['BTC_TOOLS_CACHE']);
  const base = env['XDG_CACHE_HOME'] ? resolve(env['XDG_CACHE_HOME']) : join(homedir(), '.cache');
  return join(base, 'bytemark-ticket-cache');
}
