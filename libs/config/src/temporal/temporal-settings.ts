import { existsSync } from 'node:fs';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { ConfigProblem } from '../errors';

/** TLS as the Temporal SDK's `Connection` and `NativeConnection` take it. */
export interface TemporalTls {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

/**
 * How to reach Temporal: the address, the namespace, and the connection options every entry point
 * passes to the SDK (`connectClient`, `connectWorker`). `connection` holds the API key and the client
 * key: never log it; `description` says the same without a secret.
 */
export interface TemporalSettings {
  address: string;
  namespace: string;
  uiUrl: string;
  connection: {
    address: string;
    apiKey?: string;
    tls?: boolean | TemporalTls;
    metadata?: Record<string, string>;
  };
  /** e.g. `temporal.example:7233, namespace prod, mTLS (server CA from a file), API key`: secret-free. */
  description: string;
}

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

/** The TLS files `@temporalio/envconfig` reads, by variable: a missing one is named, never silently skipped. */
const TLS_FILE_VARIABLES = [
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
] as const;

/**
 * Reads the Temporal connection the way the Temporal CLI and SDKs do (`@temporalio/envconfig`):
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, and a
 * profile (TEMPORAL_PROFILE) of a TOML file (TEMPORAL_CONFIG_FILE). An API key turns TLS on unless
 * TEMPORAL_TLS=false. Returns the settings, or the problems, each naming its variable.
 */
export function readTemporalSettings(
  env: Readonly<Record<string, string>>,
  uiUrl: string,
): TemporalSettings | { problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  for (const variable of ['TEMPORAL_CONFIG_FILE', ...TLS_FILE_VARIABLES] as const) {
    const path = env[variable];
    if (path !== undefined && !existsSync(path)) problems.push({ variable, problem: `no file at ${path}` });
  }
  const hasCert = Boolean(env['TEMPORAL_TLS_CLIENT_CERT_PATH'] ?? env['TEMPORAL_TLS_CLIENT_CERT_DATA']);
  const hasKey = Boolean(env['TEMPORAL_TLS_CLIENT_KEY_PATH'] ?? env['TEMPORAL_TLS_CLIENT_KEY_DATA']);
  if (hasCert !== hasKey) {
    problems.push({
      variable: hasCert ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH',
      problem: 'mTLS needs both the client certificate and its key',
    });
  }
  if (problems.length > 0) return { problems };

  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: { ...env } });
  } catch (error) {
    // A profile that does not exist, a TOML file that does not parse: envconfig's message names it, holds no secret.
    const variable = env['TEMPORAL_PROFILE'] ? 'TEMPORAL_PROFILE' : 'TEMPORAL_CONFIG_FILE';
    return { problems: [{ variable, problem: (error as Error).message }] };
  }
  const options = loaded.connectionOptions;
  const address = options.address ?? DEFAULT_TEMPORAL_ADDRESS;
  const namespace = loaded.namespace ?? 'default';
  const tls = options.tls as boolean | TemporalTls | undefined;
  const connection: TemporalSettings['connection'] = {
    address,
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey as string } : {}),
    ...(tls !== undefined ? { tls } : {}),
    ...(options.metadata ? { metadata: options.metadata as Record<string, string> } : {}),
  };
  return { address, namespace, uiUrl, connection, description: describe(connection, namespace) };
}

function describe(c: TemporalSettings['connection'], namespace: string): string {
  const parts = [c.address, `namespace ${namespace}`];
  if (c.tls === undefined || c.tls === false) parts.push('plaintext');
  else if (c.tls === true) parts.push('TLS (system CAs)');
  else {
    const ca = c.tls.serverRootCACertificate ? 'server CA given' : 'system CAs';
    const name = c.tls.serverNameOverride ? `, server name ${c.tls.serverNameOverride}` : '';
    parts.push(`${c.tls.clientCertPair ? 'mTLS' : 'TLS'} (${ca}${name})`);
  }
  if (c.apiKey !== undefined) parts.push('API key');
  return parts.join(', ');
}
