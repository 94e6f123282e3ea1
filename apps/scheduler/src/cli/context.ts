import { Client, Connection } from '@temporalio/client';
import type { Config } from '@btc/config';

/** An error the CLI prints as is (no stack) with a non-zero exit code; the message says what to do. */
export class CliError extends Error {
  readonly type = 'cli';
}

export async function withTemporal<T>(config: Config<'temporal'>, run: (client: Client) => Promise<T>): Promise<T> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5000 });
  } catch {
    throw new CliError(
      `cannot reach Temporal at ${config.temporal.address}: start the local stack with \`npm run stack -- up\` ` +
        'or set TEMPORAL_ADDRESS.',
    );
  }
  try {
    return await run(new Client({ connection, namespace: config.temporal.namespace }));
  } finally {
    await connection.close();
  }
}

export function workflowUrl(config: Config<'temporal'>, workflowId: string, runId?: string): string {
  const base = `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}

export function parseUserId(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new CliError(`user id must be a positive integer, got "${value}"`);
  return id;
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
