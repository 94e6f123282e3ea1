import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ensureTools } from '@btc/tools';

/**
 * The compose stack's admin-tools scripts, run here with the Temporal CLI the local stack builds, against a dev server
 * of this spec's own on free ports (the image runs the same commands with its own CLI).
 */
const TEMPORAL_DIR = join(__dirname, '..', 'temporal');
const CREATE_NAMESPACE = join(TEMPORAL_DIR, 'create-namespace.sh');

let temporal = '';
let server: ChildProcess | undefined;
let address = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function createNamespace(env: Record<string, string>): { status: number; stdout: string; stderr: string } {
  const run = spawnSync('sh', [CREATE_NAMESPACE], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: `${dirname(temporal)}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? '/tmp', ...env },
  });
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  temporal = ensureTools((line) => console.log(`[temporal-scripts.spec] ${line}`), ['temporal'])['temporal'] ?? '';
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  address = `127.0.0.1:${port}`;
  server = spawn(
    temporal,
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)].concat([
      '--http-port',
      String(httpPort),
      '--metrics-port',
      String(metricsPort),
      '--log-level',
      'error',
    ]),
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 30_000;
  while (spawnSync(temporal, ['operator', 'cluster', 'health', '--address', address]).status !== 0) {
    if (Date.now() > deadline) throw new Error(`the dev server on ${address} was not healthy within 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 20 * 60_000);

afterAll(() => {
  server?.kill('SIGTERM');
});

describe('deploy/temporal/create-namespace.sh', () => {
  it('creates the namespace named by TEMPORAL_NAMESPACE, and a second run finds it', () => {
    const env = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'ticket-cache-spec',
      TEMPORAL_NAMESPACE_RETENTION: '3d',
    };
    expect(createNamespace(env)).toMatchObject({ status: 0, stdout: 'namespace ticket-cache-spec ready\n' });
    const describe = spawnSync(
      temporal,
      ['operator', 'namespace', 'describe', '-n', 'ticket-cache-spec', '--address', address, '-o', 'json'],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(describe.stdout)).toMatchObject({ config: { workflowExecutionRetentionTtl: '259200s' } });
    expect(createNamespace(env)).toMatchObject({ status: 0, stdout: 'namespace ticket-cache-spec ready\n' });
  });

  it('gives up after TEMPORAL_NAMESPACE_WAIT_SECONDS when Temporal never answers, saying what it waited for', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const run = createNamespace({
      TEMPORAL_ADDRESS: closed,
      TEMPORAL_NAMESPACE: 'x',
      TEMPORAL_NAMESPACE_WAIT_SECONDS: '2',
    });
    expect(run).toMatchObject({
      status: 1,
      stderr: expect.stringContaining(`Temporal at ${closed} was not healthy within 2s`),
    });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses to run without TEMPORAL_NAMESPACE rather than fall back to default', () => {
    const run = createNamespace({ TEMPORAL_ADDRESS: address });
    expect(run).toMatchObject({ status: 2, stderr: expect.stringContaining('set TEMPORAL_NAMESPACE') });
  });
});

describe('deploy/temporal/dynamicconfig.yaml', () => {
  it('turns on the priority matcher, in the list-of-values form the server reads', () => {
    const config = parse(readFileSync(join(TEMPORAL_DIR, 'dynamicconfig.yaml'), 'utf8')) as Record<string, unknown>;
    expect(config['matching.useNewMatcher']).toEqual([{ value: true }]);
    for (const [key, values] of Object.entries(config)) {
      expect({ key, values }).toEqual({ key, values: [{ value: expect.anything() }] });
    }
  });
});
