import { connect as connectHttp2 } from 'node:http2';
import { isIP } from 'node:net';
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { TemporalConnectionError } from '../errors';
import type { TemporalSettings } from './temporal-settings';

/** What a handshake of our own found wrong with the endpoint; `detail` is the TLS library's words (no secret). */
export interface EndpointDiagnosis {
  reason: TemporalConnectionError['reason'];
  explanation: string;
  detail: string;
}

/** The server refused our certificate, or wanted one: the alerts of OpenSSL-speaking and Go servers. */
const CLIENT_CERT_ALERT =
  /alert (certificate required|bad certificate|unknown ca|certificate unknown|handshake failure|access denied|unsupported certificate)/i;
/** The answer to our ClientHello was not TLS: a plaintext server (gRPC's SETTINGS frame, an HTTP/1 line). */
const NOT_TLS = /wrong version number|packet length too long|unexpected eof|http request|record layer failure/i;
/** Node's codes for a server certificate it does not trust. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

const SET_TLS =
  'set TEMPORAL_TLS=true, with TEMPORAL_TLS_SERVER_CA_CERT_PATH for a private CA and TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH for mTLS (or TEMPORAL_API_KEY for Temporal Cloud)';

type Tls = Exclude<TemporalSettings['connection']['tls'], boolean | undefined>;

function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = colon > 0 ? address.slice(0, colon) : address;
  const port = colon > 0 ? Number(address.slice(colon + 1)) : 7233;
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port };
}

function codeOf(error: unknown): string {
  return String((error as { code?: unknown }).code ?? '');
}

/** The first line, and of an OpenSSL error string (`80…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…`) its reason only. */
function messageOf(error: unknown): string {
  const line = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  return (/:SSL routines:[^:]*:([^:]+)/.exec(line)?.[1] ?? line).slice(0, 200);
}

/** A TLS handshake with the settings' CA, name and client pair (or none, `verify: false`, to learn whether the server speaks TLS). */
function handshake(
  host: string,
  port: number,
  tls: Tls | null,
  timeoutMs: number,
): Promise<{ socket: TLSSocket } | { error: unknown }> {
  const servername = tls?.serverNameOverride ?? (isIP(host) ? undefined : host);
  const options: ConnectionOptions = {
    host,
    port,
    ALPNProtocols: ['h2'],
    rejectUnauthorized: tls !== null,
    ...(servername ? { servername } : {}),
    ...(tls?.serverRootCACertificate ? { ca: tls.serverRootCACertificate } : {}),
    ...(tls?.clientCertPair ? { cert: tls.clientCertPair.crt, key: tls.clientCertPair.key } : {}),
  };
  return new Promise((resolve) => {
    const socket = connectTls(options);
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    socket.once('secureConnect', () => (clearTimeout(timer), resolve({ socket })));
    socket.once('error', (error) => (clearTimeout(timer), socket.destroy(), resolve({ error })));
  });
}

/**
 * One gRPC call (GetSystemInfo, no credentials) on the handshaken socket: what the server thinks of the client
 * certificate shows here, since TLS 1.3 servers refuse it after the handshake (Go: an alert on the first read;
 * nginx: HTTP 400 "No required SSL certificate was sent").
 */
function firstCall(
  socket: TLSSocket,
  timeoutMs: number,
): Promise<{ status: number; body: string } | { error: unknown }> {
  return new Promise((resolve) => {
    const session = connectHttp2('https://temporal', { createConnection: () => socket });
    const done = (result: { status: number; body: string } | { error: unknown }) => {
      clearTimeout(timer);
      session.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ error: Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' }) }),
      timeoutMs,
    );
    session.once('error', (error) => done({ error }));
    socket.once('error', (error) => done({ error }));
    const stream = session.request({
      ':method': 'POST',
      ':path': '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let status = 0;
    let body = '';
    stream.once('response', (headers) => (status = Number(headers[':status'])));
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (body = (body + chunk).slice(0, 2_000)));
    stream.once('end', () => done({ status, body }));
    stream.once('error', (error) => done({ error }));
    // An empty GetSystemInfoRequest: a gRPC frame of zero length, uncompressed.
    stream.end(Buffer.alloc(5));
  });
}

function clientCertDiagnosis(tls: Tls, detail: string): EndpointDiagnosis {
  return tls.clientCertPair
    ? {
        reason: 'client-certificate',
        explanation:
          'the server refused the client certificate (mTLS): TEMPORAL_TLS_CLIENT_CERT_PATH must be signed by a CA the server trusts and TEMPORAL_TLS_CLIENT_KEY_PATH must be its key',
        detail,
      }
    : {
        reason: 'client-certificate',
        explanation:
          'the server requires a client certificate (mTLS) and none is set: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH to a pair its CA signed',
        detail,
      };
}

function unreachable(error: unknown, address: string): EndpointDiagnosis | null {
  const code = codeOf(error);
  if (!UNREACHABLE.has(code)) return null;
  return {
    reason: 'unreachable',
    explanation:
      code === 'ETIMEDOUT'
        ? `nothing answered at ${address} in time: check TEMPORAL_ADDRESS and the network path to it`
        : `nothing accepted the connection at ${address} (${code}): check TEMPORAL_ADDRESS (locally, start the stack with \`npm run stack -- up\`)`,
    detail: messageOf(error),
  };
}

function handshakeFailure(error: unknown, tls: Tls, address: string): EndpointDiagnosis | null {
  const code = codeOf(error);
  const detail = `${code ? `${code}: ` : ''}${messageOf(error)}`;
  if (UNTRUSTED.has(code)) {
    return {
      reason: 'tls',
      explanation: `the server's certificate is not trusted: ${
        tls.serverRootCACertificate
          ? 'the CA of TEMPORAL_TLS_SERVER_CA_CERT_PATH did not sign it'
          : 'no CA of the system signed it; set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that did'
      }`,
      detail,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = String((error as { cert?: { subjectaltname?: string } }).cert?.subjectaltname ?? 'other names');
    return {
      reason: 'tls',
      explanation: `the server's certificate does not name ${tls.serverNameOverride ?? hostAndPort(address).host} (it names ${names}): set TEMPORAL_TLS_SERVER_NAME to one of its names`,
      detail,
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return { reason: 'tls', explanation: `the server's certificate is outside its validity period`, detail };
  }
  if (CLIENT_CERT_ALERT.test(detail)) return clientCertDiagnosis(tls, detail);
  if (NOT_TLS.test(detail)) {
    return {
      reason: 'tls',
      explanation:
        'the server speaks plaintext and this connection uses TLS: unset the TEMPORAL_TLS_* settings (or set TEMPORAL_TLS=false), or point TEMPORAL_ADDRESS at the TLS endpoint',
      detail,
    };
  }
  return unreachable(error, address);
}

/**
 * Tells apart, with a raw handshake of node:tls against the address, what the SDKs report as a timeout or a
 * transport error: a plaintext connection to a TLS port, TLS to a plaintext port, a server certificate that is
 * not trusted or does not match, a client certificate that is missing or refused, nothing listening. Returns
 * null when the endpoint looks right (the failure is elsewhere: credentials, namespace). Sends no credential.
 */
export async function probeTemporalEndpoint(
  settings: TemporalSettings,
  timeoutMs = 3_000,
): Promise<EndpointDiagnosis | null> {
  const { address } = settings.connection;
  const { host, port } = hostAndPort(address);
  const configured = settings.connection.tls;
  if (configured === undefined || configured === false) {
    const tried = await handshake(host, port, null, timeoutMs);
    if ('error' in tried) return unreachable(tried.error, address);
    tried.socket.destroy();
    return {
      reason: 'tls',
      explanation: `the server speaks TLS and this connection is plaintext: ${SET_TLS}`,
      detail: `TLS handshake with ${address} succeeded`,
    };
  }
  const tls: Tls = configured === true ? {} : configured;
  const tried = await handshake(host, port, tls, timeoutMs);
  if ('error' in tried) return handshakeFailure(tried.error, tls, address);
  if (tried.socket.alpnProtocol !== 'h2') {
    tried.socket.destroy();
    return {
      reason: 'tls',
      explanation: `the server at ${address} speaks TLS but not HTTP/2, which gRPC needs: is TEMPORAL_ADDRESS Temporal's gRPC port?`,
      detail: `ALPN ${tried.socket.alpnProtocol || 'none'}`,
    };
  }
  const answer = await firstCall(tried.socket, timeoutMs);
  if ('error' in answer) {
    const detail = `${codeOf(answer.error) ? `${codeOf(answer.error)}: ` : ''}${messageOf(answer.error)}`;
    return CLIENT_CERT_ALERT.test(detail) ? clientCertDiagnosis(tls, detail) : unreachable(answer.error, address);
  }
  if (answer.status === 200) return null;
  const said = (/<title>(.*?)<\/title>/i.exec(answer.body)?.[1] ?? answer.body)
    .trim()
    .replace(/^\d{3}\s+/, '')
    .slice(0, 120);
  const detail = `HTTP ${answer.status}${said ? ` ${said}` : ''}`;
  if (answer.status === 400 && /ssl certificate|client certificate/i.test(said))
    return clientCertDiagnosis(tls, detail);
  return {
    reason: 'unknown',
    explanation: `the TLS endpoint answered a gRPC call with HTTP ${answer.status}, not gRPC: check the proxy or load balancer in front of Temporal`,
    detail,
  };
}
