import type { Client } from '@temporalio/client';
import { TemporalConnectionError, connectClient, type Config } from '@btc/config';
import { EXIT } from './output';

/** An error the CLI prints as is (no stack), exiting with `exitCode` (1); the message says what to do. */
export class CliError extends Error {
  readonly type: string = 'cli';
  readonly exitCode: number = EXIT.error;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** The command line is wrong (a bad argument, a destructive command without --yes off a terminal): exit 2. */
export class UsageError extends CliError {
  override readonly type = 'usage';
  override readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
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
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`user id must be a positive integer, got "${value}"`);
  return id;
}

export function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
  return n;
}
