import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlsProxy } from '@btc/worker-runtime/testing';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit. */
  ms: number;
}

/** The operator CLI (`npm run cli -- …`) in its own process, with `env` as its whole environment. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'cli.ts'), ...args], {
    env: { LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Every base64 line of every private key the proxy made, and the PEM armour: none may appear in any output. */
export function expectNoKeyMaterial(proxy: TlsProxy, output: string): void {
  expect(output).not.toMatch(/PRIVATE KEY/);
  const lines = [proxy.files.clientKey, proxy.files.otherClientKey]
    .flatMap((path) => readFileSync(path, 'utf8').split('\n'))
    .filter((line) => line.length >= 16 && !line.startsWith('-----'));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(output).not.toContain(line);
}

/** The ways to get the connection wrong, each with the words its failure must say. */
export function misconfigurations(proxy: () => TlsProxy): Array<[string, () => Record<string, string>, RegExp]> {
  return [
    [
      'without the client certificate',
      () => {
        const { TEMPORAL_TLS_CLIENT_CERT_PATH: _cert, TEMPORAL_TLS_CLIENT_KEY_PATH: _key, ...rest } = proxy().env();
        return rest;
      },
      /the server requires a client certificate \(mTLS\) and none is set: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/,
    ],
    [
      'with the wrong CA',
      () => ({ ...proxy().env(), TEMPORAL_TLS_SERVER_CA_CERT_PATH: proxy().files.otherCaCert }),
      /the server's certificate is not trusted: the CA of TEMPORAL_TLS_SERVER_CA_CERT_PATH did not sign it/,
    ],
    [
      'plaintext against the TLS port',
      () => ({ TEMPORAL_ADDRESS: proxy().address }),
      /the server speaks TLS and this connection is plaintext: set TEMPORAL_TLS=true/,
    ],
  ];
}
