import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { loadConfig } from '../load-config';
import { knownSecrets } from '../logging/known-secrets';

const dir = mkdtempSync(join(tmpdir(), 'temporal-settings-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
// No real PEM is needed: the settings carry the bytes, the TLS handshake (tested elsewhere) reads them.
const cert = file('client.pem', 'CERT');
const key = file('client.key', 'KEY');
const ca = file('ca.pem', 'CA');
const temporal = (env: Record<string, string>) => loadConfig({ HOME: dir, ...env }, ['temporal']).temporal;

function problems(env: Record<string, string>): string[] {
  try {
    temporal(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.problem}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Temporal connection settings', () => {
  it('reads the address and namespace, plaintext by default', () => {
    expect(temporal({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'prod' })).toMatchObject({
      address: 'temporal.internal:7233',
      namespace: 'prod',
      connection: { address: 'temporal.internal:7233' },
      description: 'temporal.internal:7233, namespace prod, plaintext',
    });
  });

  it('an API key turns TLS on with the system CAs, and the description names it without its value', () => {
    const settings = temporal({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-abcdef-123456' });
    expect(settings.connection).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      apiKey: 'key-abcdef-123456',
      tls: true,
    });
    expect(settings.description).toBe('ns.acct.tmprl.cloud:7233, namespace default, TLS (system CAs), API key');
    expect(settings.description).not.toContain('key-abcdef');
  });

  it('mTLS with a server CA and name reads the files into the connection options', () => {
    const settings = temporal({
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
    });
    expect(settings.connection.tls).toEqual({
      serverNameOverride: 'temporal.test',
      serverRootCACertificate: Buffer.from('CA'),
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
    expect(settings.description).toBe(
      '127.0.0.1:7233, namespace default, mTLS (server CA given, server name temporal.test)',
    );
  });

  it('reads a profile of a TOML file, as the Temporal CLI does', () => {
    const toml = file('temporal.toml', '[profile.prod]\naddress = "prod:7233"\nnamespace = "rides"\n');
    expect(temporal({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' })).toMatchObject({
      address: 'prod:7233',
      namespace: 'rides',
    });
  });

  it('names a missing file, a certificate without its key and an unknown profile instead of connecting without them', () => {
    expect(problems({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'nope.pem') })).toEqual([
      `TEMPORAL_TLS_SERVER_CA_CERT_PATH: no file at ${join(dir, 'nope.pem')}`,
    ]);
    expect(problems({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert })).toEqual([
      'TEMPORAL_TLS_CLIENT_KEY_PATH: mTLS needs both the client certificate and its key',
    ]);
    expect(problems({ TEMPORAL_CONFIG_FILE: join(dir, 'missing.toml') })[0]).toMatch(/^TEMPORAL_CONFIG_FILE: no file/);
    const toml = file('other.toml', '[profile.dev]\naddress = "dev:7233"\n');
    expect(problems({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' })[0]).toMatch(/^TEMPORAL_PROFILE: .*prod/);
  });

  it('the redaction knows the API key and the lines of a client key given inline', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const secrets = knownSecrets({ TEMPORAL_API_KEY: 'key-abcdef-123456', TEMPORAL_TLS_CLIENT_KEY_DATA: pem });
    expect(secrets).toEqual(expect.arrayContaining(['key-abcdef-123456', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC']));
    expect(secrets).not.toContain('PRIVATE');
  });

  it('the redaction knows each line of the client key file TEMPORAL_TLS_CLIENT_KEY_PATH names, and not its path', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const keyFile = file('real-client.key', pem.toString());
    const bodyLines = pem
      .toString()
      .split('\n')
      .filter((l) => l.length >= 16 && !l.startsWith('-----'));
    expect(bodyLines.length).toBeGreaterThan(0);
    const secrets = knownSecrets({ TEMPORAL_TLS_CLIENT_KEY_PATH: keyFile });
    expect(secrets).toEqual(expect.arrayContaining(bodyLines));
    expect(secrets).not.toContain(keyFile);
    expect(knownSecrets({ TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'absent.key') })).toEqual([]);
  });
});
