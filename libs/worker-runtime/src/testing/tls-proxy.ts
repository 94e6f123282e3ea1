/**
 * A real TLS endpoint for Temporal in tests: Debian's nginx in front of the dev server, terminating
 * TLS with a server certificate of a CA made here with openssl, requiring a client certificate of
 * that CA (`ssl_verify_client on`), and passing gRPC on in plaintext (`grpc_pass`). What a secured
 * cluster or Temporal Cloud looks like to the worker, the scheduler and the CLI.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export interface TlsProxyOptions {
  /** The plaintext gRPC server behind it, `host:port`. */
  upstream: string;
  /**
   * Answer every operator-service call (search attributes, namespaces) with this gRPC status instead
   * of passing it on, as Temporal Cloud does: 7 (PERMISSION_DENIED) or 12 (UNIMPLEMENTED).
   */
  operatorServiceStatus?: number;
  /** Default `/usr/sbin/nginx` (Debian's package). */
  binary?: string;
}

/** The files the proxy's CA made, absolute paths in its temporary directory. */
export interface TlsProxyFiles {
  /** The CA that signed the server and client certificates. */
  caCert: string;
  clientCert: string;
  clientKey: string;
  /** Another CA, which signed nothing this proxy knows: "the wrong CA". */
  otherCaCert: string;
  /** A client pair the other CA signed: a certificate the proxy does not trust. */
  otherClientCert: string;
  otherClientKey: string;
}

export interface TlsProxy {
  /** `127.0.0.1:<port>` */
  readonly address: string;
  /** The name in the server certificate (its IP SAN is 127.0.0.1 as well). */
  readonly serverName: string;
  readonly files: TlsProxyFiles;
  /** The TEMPORAL_* variables that connect through it with mTLS (the right CA and client pair). */
  env(): Record<string, string>;
  /** nginx's error log so far (handshake failures, refused client certificates). */
  errorLog(): string;
  /** The calls that went through, finished ones only (a long poll shows when it returns). */
  calls(): ProxiedCall[];
  /** Stops nginx and removes its directory (certificates, keys, config). Safe to call twice. */
  stop(): Promise<void>;
}

/** One gRPC call nginx answered or passed on. */
export interface ProxiedCall {
  /** HTTP status: 400 when nginx refused the client certificate. */
  status: number;
  /** `grpc-status` when nginx answered itself (the operator service), else null. */
  grpcStatus: number | null;
  /** `/temporal.api.workflowservice.v1.WorkflowService/PollWorkflowTaskQueue` */
  path: string;
  /** The client certificate's subject (`CN=bytemark-worker`), or null without one. */
  clientSubject: string | null;
}

/** Thrown when nginx is missing or does not start; `log` holds its error log. */
export class TlsProxyError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(log ? `${message}\n${log}` : message);
    this.name = 'TlsProxyError';
  }
}

const SERVER_NAME = 'temporal.test';

/**
 * Stops nginx once the test process is gone even when `stop()` never ran (a test that threw before
 * it, a killed run), then removes the directory: no nginx outlives its tests.
 */
const WATCHDOG = [
  'bin="$1"; shift',
  '"$bin" "$@" & child=$!',
  "trap 'kill -TERM $child 2>/dev/null' TERM INT",
  'while kill -0 "$WATCH_PID" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.2; done',
  'kill -TERM "$child" 2>/dev/null',
  'wait "$child"; status=$?',
  'kill -0 "$WATCH_PID" 2>/dev/null || rm -rf "$WATCH_DIR"',
  'exit $status',
].join('\n');

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, and certificates it signs (EC P-256, valid one day): what an SRE makes with their PKI. */
function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
}

function signCert(dir: string, ca: string, name: string, cn: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${cn}`,
    '-keyout', `${name}.key`, '-out', `${name}.csr`,
  ]); // prettier-ignore
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', '1', '-out', `${name}.pem`, '-extfile', `${name}.ext`,
  ]); // prettier-ignore
}

function nginxConf(dir: string, port: number, options: TlsProxyOptions): string {
  const operator =
    options.operatorServiceStatus === undefined
      ? ''
      : `
    # Temporal Cloud offers no operator service: a trailers-only gRPC answer with this status.
    location /temporal.api.operatorservice.v1.OperatorService/ {
      default_type application/grpc;
      add_header grpc-status ${options.operatorServiceStatus} always;
      add_header grpc-message "the operator service is not available on this endpoint" always;
      return 200;
    }`;
  return `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  # One line per gRPC call: what reached Temporal through the proxy, and with which client certificate.
  log_format calls '$status\t$sent_http_grpc_status\t$uri\t$ssl_client_s_dn';
  access_log ${dir}/access.log calls;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${dir}/server.pem;
    ssl_certificate_key ${dir}/server.key;
    ssl_client_certificate ${dir}/ca.pem;
    ssl_verify_client on;
    # Long polls last about a minute; workflow task completions can be large.
    client_max_body_size 0;
    client_body_timeout 300s;
    grpc_read_timeout 300s;
    grpc_send_timeout 300s;
    http2_max_concurrent_streams 1000;
${operator}
    location / {
      grpc_pass grpc://${options.upstream};
    }
  }
}
`;
}

/** Resolves once something accepts TCP connections on the port. */
async function waitForPort(port: number, until: number, exited: () => string | undefined): Promise<void> {
  for (;;) {
    const reason = exited();
    if (reason) throw new Error(reason);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port} after start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Makes a CA, a server certificate (`temporal.test`, IP 127.0.0.1), a client pair, and another CA
 * with a client pair of its own, then starts nginx on a free loopback port with its own prefix and
 * configuration in a temporary directory. `stop()` ends it and removes the directory.
 */
export async function startTlsProxy(options: TlsProxyOptions): Promise<TlsProxy> {
  const binary = options.binary ?? '/usr/sbin/nginx';
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new TlsProxyError(`no nginx at ${binary}: install Debian's nginx (apt-get install nginx-light)`, '');
  }
  const dir = mkdtempSync(join(tmpdir(), 'btc-tls-proxy-'));
  mkdirSync(join(dir, 'tmp'));
  makeCa(dir, 'ca');
  signCert(
    dir,
    'ca',
    'server',
    SERVER_NAME,
    `subjectAltName=DNS:${SERVER_NAME},IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  signCert(dir, 'ca', 'client', 'bytemark-worker', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  makeCa(dir, 'other-ca');
  signCert(dir, 'other-ca', 'other-client', 'stranger', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  const files: TlsProxyFiles = {
    caCert: join(dir, 'ca.pem'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    otherCaCert: join(dir, 'other-ca.pem'),
    otherClientCert: join(dir, 'other-client.pem'),
    otherClientKey: join(dir, 'other-client.key'),
  };
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  const errorLog = () => read('error.log');
  const calls = (): ProxiedCall[] =>
    read('access.log')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [status, grpcStatus, path, subject] = line.split('\t');
        return {
          status: Number(status),
          grpcStatus: grpcStatus && grpcStatus !== '-' ? Number(grpcStatus) : null,
          path: path ?? '',
          clientSubject: subject && subject !== '-' ? subject : null,
        };
      });

  let lastError: unknown;
  // A port found free can be taken before nginx binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, port, options));
    const child: ChildProcess = spawn(
      '/bin/sh',
      [
        '-c',
        WATCHDOG,
        'nginx-watchdog',
        binary,
        '-p',
        dir,
        '-c',
        join(dir, 'nginx.conf'),
        '-e',
        join(dir, 'error.log'),
      ],
      { stdio: 'ignore', env: { ...process.env, WATCH_PID: String(process.pid), WATCH_DIR: dir } },
    );
    let exited: string | undefined;
    const exit = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        exited = `nginx exited with ${signal ?? `code ${code}`}`;
        resolve();
      }),
    );
    const killOnExit = () => child.kill('SIGTERM');
    process.once('exit', killOnExit);
    let stopped = false;
    const stopNginx = async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killOnExit);
      if (exited === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exit;
        clearTimeout(timer);
      }
    };
    try {
      await waitForPort(port, Date.now() + 10_000, () => exited);
    } catch (error) {
      await stopNginx();
      lastError = new TlsProxyError(
        `nginx did not start on 127.0.0.1:${port}: ${(error as Error).message}`,
        errorLog(),
      );
      if (/Address already in use/.test(errorLog())) continue;
      break;
    }
    const address = `127.0.0.1:${port}`;
    return {
      address,
      serverName: SERVER_NAME,
      files,
      env: () => ({
        TEMPORAL_ADDRESS: address,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.caCert,
        TEMPORAL_TLS_CLIENT_CERT_PATH: files.clientCert,
        TEMPORAL_TLS_CLIENT_KEY_PATH: files.clientKey,
        TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
      }),
      errorLog,
      calls,
      async stop() {
        await stopNginx();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}
