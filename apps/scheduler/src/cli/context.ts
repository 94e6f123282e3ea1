import type { Client } from '@temporalio/client';
import { TemporalConnectionError, connectClient, type Config } from '@btc/config';

/** An error the CLI prints as is (no stack) with a non-zero exit code; the message says what to do. */
export class CliError extends Error {
  readonly type = 'cli';
}

export async function withTemporal<T>(config: Config<'temporal'>, run: (client: Client) => Promise<T>): Promise<T> {
  let client: Client;
  try {
    client = await connectClient(config.temporal, { connectTimeoutMs: 5000 });
  } catch (error) {
    // Says which setting to check (address, TLS, certificate, credentials), never with a key.
    if (error instanceof TemporalConnectionError) throw new CliError(error.message, { cause: error });
    throw error;
  }
  try {
    return await run(client);
  } finally {
    await client.connection.close();
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
