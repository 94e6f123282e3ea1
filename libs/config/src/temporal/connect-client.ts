import { Client, Connection } from '@temporalio/client';
import { TemporalConnectionError } from '../errors';
import { probeTemporalEndpoint, type EndpointDiagnosis } from './probe-endpoint';
import type { TemporalSettings } from './temporal-settings';

const PATTERNS: Array<{
  reason: TemporalConnectionError['reason'];
  test: RegExp;
  explain: (s: TemporalSettings) => string;
}> = [
  {
    reason: 'client-certificate',
    test: /no required ssl certificate|certificate required|400 .*bad request|received http status code 400|alert.*(certificate|handshake)/i,
    explain: () =>
      'the server requires a client certificate (mTLS) and refused this one or got none: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH to a pair its CA signed',
  },
  {
    reason: 'tls',
    test: /certificate|self[- ]signed|unknownissuer|unknown ?ca|verify|hostname|altname|invalidcertificate|tls|ssl|handshake|wrong version number/i,
    explain: (s) =>
      "the TLS handshake failed: the server's certificate is not trusted or does not match " +
      (s.connection.tls && typeof s.connection.tls === 'object' && s.connection.tls.serverNameOverride
        ? `TEMPORAL_TLS_SERVER_NAME (${s.connection.tls.serverNameOverride})`
        : 'the address') +
      ': check TEMPORAL_TLS_SERVER_CA_CERT_PATH (the CA that signed the server) and TEMPORAL_TLS_SERVER_NAME',
  },
  {
    reason: 'credentials',
    test: /unauthenticated|permission denied|unauthorized|invalid api key|16 UNAUTHENTICATED|7 PERMISSION_DENIED/i,
    explain: () =>
      'the server refused the credentials: check TEMPORAL_API_KEY (or the client certificate) and its namespace access',
  },
  {
    reason: 'namespace',
    test: /namespace .*not found|NOT_FOUND.*namespace/i,
    explain: (s) => `the namespace ${s.namespace} does not exist on this server: check TEMPORAL_NAMESPACE`,
  },
  {
    reason: 'unreachable',
    test: /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|deadline|timed? ?out|UNAVAILABLE|connection refused|dns|No connection established/i,
    explain: () =>
      'nothing accepted the connection there (refused, unknown host or no answer in time): check TEMPORAL_ADDRESS (locally, start the stack with `npm run stack -- up`)',
  },
];

/**
 * The SDK's connection error in words: which setting to check. Matches what grpc-js (the client) and
 * the Rust core (workers) report for refused connections, TLS failures and rejected credentials.
 */
export function explainConnectionFailure(error: unknown, settings: TemporalSettings): TemporalConnectionError {
  const text = causeChain(error);
  const match = PATTERNS.find((p) => p.test.test(text));
  // The SDK's own words last (gRPC status and transport cause: no credentials in them).
  const what = `${match ? match.explain(settings) : 'the connection failed'} (${firstLine(text)})`;
  return new TemporalConnectionError(
    `cannot connect to Temporal at ${settings.description}: ${what}`,
    match?.reason ?? 'unknown',
  );
}

/**
 * How long a connection may take before a handshake of our own looks at the endpoint: grpc-js waits for its
 * whole deadline on a TLS mismatch or an untrusted certificate, and says only that it timed out.
 */
const PROBE_AFTER_MS = 1_000;

function diagnosed(d: EndpointDiagnosis, settings: TemporalSettings): TemporalConnectionError {
  return new TemporalConnectionError(
    `cannot connect to Temporal at ${settings.description}: ${d.explanation} (${d.detail})`,
    d.reason,
  );
}

/**
 * Opens a connection with `open` and, when it fails or is slow, says why: a raw TLS handshake against the
 * address (`probeTemporalEndpoint`) tells a plaintext/TLS mismatch, an untrusted server certificate and a
 * missing or refused client certificate apart within milliseconds; otherwise the SDK's error is explained
 * (`explainConnectionFailure`). When the probe finds the problem first, `abandon` gets the pending attempt,
 * to stop it (so that it holds the process no longer) or to close what it opens.
 */
export async function connectOrExplain<T>(
  settings: TemporalSettings,
  open: () => Promise<T>,
  abandon: (opening: Promise<T>) => void,
): Promise<T> {
  const explain = async (error: unknown) => {
    const diagnosis = await probeTemporalEndpoint(settings).catch(() => null);
    return diagnosis ? diagnosed(diagnosis, settings) : explainConnectionFailure(error, settings);
  };
  const opening = open();
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), PROBE_AFTER_MS)));
  let first: T | 'slow';
  try {
    first = await Promise.race([opening, slow]);
  } catch (error) {
    throw await explain(error);
  } finally {
    clearTimeout(timer);
  }
  if (first !== 'slow') return first;
  const diagnosis = await probeTemporalEndpoint(settings).catch(() => null);
  if (diagnosis) {
    abandon(opening);
    throw diagnosed(diagnosis, settings);
  }
  try {
    return await opening;
  } catch (error) {
    throw explainConnectionFailure(error, settings);
  }
}

/** A client of the settings' namespace; close it with `client.connection.close()`. */
export async function connectClient(
  settings: TemporalSettings,
  options: { connectTimeoutMs?: number } = {},
): Promise<Client> {
  const connection = Connection.lazy({
    ...settings.connection,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
  });
  await connectOrExplain(
    settings,
    () => connection.ensureConnected(),
    // Closing the channel ends its wait for the deadline.
    () => void connection.close(),
  );
  return new Client({ connection, namespace: settings.namespace });
}

function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' <- ');
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 200);
}
