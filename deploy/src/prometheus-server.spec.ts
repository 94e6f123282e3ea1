import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PrometheusNotInstalledError, PrometheusServerError, PrometheusWaitTimeoutError } from './errors';
import { type PrometheusServer, startPrometheusServer } from './prometheus-server';

/** A target serving one gauge in the Prometheus text format; `value` is what the next scrape sees. */
function metricsTarget(): Promise<{ address: string; set(value: number): void; close(): Promise<void> }> {
  let value = 42;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# HELP spec_widgets Widgets.\n# TYPE spec_widgets gauge\nspec_widgets{color="blue"} ${value}\n`);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        address: `127.0.0.1:${port}`,
        set: (v) => (value = v),
        close: () => new Promise((r) => server.close(() => r())),
      });
    }),
  );
}

describe('startPrometheusServer', () => {
  let target: Awaited<ReturnType<typeof metricsTarget>>;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    target = await metricsTarget();
    prometheus = await startPrometheusServer({ targets: [target.address], jobName: 'spec-job' });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await target?.close();
  });

  it('scrapes the target every second, so a changed value is readable through the query API within seconds', async () => {
    const first = await prometheus.waitFor('spec_widgets', (r) => r.samples.length === 1, 15_000);
    expect(first.samples[0]).toEqual({
      labels: { __name__: 'spec_widgets', color: 'blue', job: 'spec-job', instance: target.address },
      value: 42,
    });
    target.set(7);
    const changed = await prometheus.waitFor('sum(spec_widgets)', (r) => r.samples[0]?.value === 7, 10_000);
    expect(changed.resultType).toBe('vector');
  });

  it('reports the target healthy, and a scalar query as one unlabelled sample', async () => {
    await prometheus.waitFor('up{job="spec-job"} == 1', (r) => r.samples.length === 1, 15_000);
    expect(await prometheus.targets()).toEqual([
      { scrapeUrl: `http://${target.address}/metrics`, health: 'up', lastError: '' },
    ]);
    expect((await prometheus.query('scalar(vector(3))')).samples).toEqual([{ labels: {}, value: 3 }]);
  });

  it('rejects a query that is not PromQL with the parse error Prometheus gives', async () => {
    await expect(prometheus.query('sum(')).rejects.toThrow(/bad_data: .*parse error/);
  });

  it('gives up waiting after the timeout, naming the expression and the last result', async () => {
    const error = await prometheus.waitFor('spec_widgets', () => false, 600).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusWaitTimeoutError);
    expect((error as Error).message).toMatch(/waited 600 ms for `spec_widgets` to match; last result: \[\{"metric"/);
  });
});

describe('startPrometheusServer without the binary', () => {
  it('fails with a message that says how to install Prometheus', async () => {
    const error = await startPrometheusServer({ targets: [], binary: '/nonexistent/prometheus' }).catch((e) => e);
    expect(error).toBeInstanceOf(PrometheusNotInstalledError);
    expect((error as Error).message).toContain('apt-get install -y prometheus');
  });
});

describe('startPrometheusServer with a rule file Prometheus refuses', () => {
  it('fails at start with the reason from the Prometheus log, and leaves no temporary directory', async () => {
    const ours = () => readdirSync(tmpdir()).filter((f) => f.startsWith('btc-prometheus-'));
    const rules = join(mkdtempSync(join(tmpdir(), 'spec-rules-')), 'broken.rules.yml');
    writeFileSync(rules, 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: "sum("\n');
    const before = ours();
    const error = await startPrometheusServer({ targets: [], ruleFiles: [rules] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusServerError);
    expect((error as Error).message).toMatch(/exited with code 1 before it was ready[\s\S]*unclosed left parenthesis/);
    expect(ours()).toEqual(before);
    rmSync(dirname(rules), { recursive: true });
  });
});

describe('a test process that dies without calling stop()', () => {
  it('takes its Prometheus with it (a watchdog stops it and removes its directory), so none outlives a crashed run', async () => {
    const code = [
      `const { startPrometheusServer } = require(${JSON.stringify(join(__dirname, 'prometheus-server.ts'))});`,
      'startPrometheusServer({ targets: [] }).then((p) => console.log(JSON.stringify({ url: p.url, dir: p.dir })));',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(d.toString())),
    );
    const { url, dir } = JSON.parse(line) as { url: string; dir: string };
    expect((await fetch(`${url}/-/ready`)).ok).toBe(true);
    child.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    let alive = true;
    while (alive && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      alive = await fetch(`${url}/-/ready`).then(
        () => true,
        () => false,
      );
    }
    expect(alive).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(dir)).toBe(false);
  });
});

describe('PrometheusServer.stop', () => {
  it('stops the process (the port no longer answers), removes its directory, and can be called twice', async () => {
    const prometheus = await startPrometheusServer({ targets: [] });
    expect(existsSync(prometheus.dir)).toBe(true);
    await prometheus.stop();
    await prometheus.stop();
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
    expect(existsSync(prometheus.dir)).toBe(false);
  });
});
