import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { TEMPORAL_SDK_METRICS_FIXTURE, TICKET_CACHE_METRICS } from './metrics-contract';

function combinations(labels: Record<string, readonly string[] | 'any'>): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const [label, values] of Object.entries(labels)) {
    const choices = values === 'any' ? [label === 'status' ? '200' : 'x'] : values;
    out = out.flatMap((combo) => choices.map((v) => ({ ...combo, [label]: v })));
  }
  return out;
}

const text = (labels: Record<string, string>) =>
  Object.keys(labels).length === 0
    ? ''
    : `{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',')}}`;

/**
 * A scrape target shaped like the worker: every contract metric with every allowed label value (counters and
 * histograms growing with each scrape), plus the recorded Temporal SDK scrape. For checks that a query returns data
 * when the worker exports what the contract says; the real worker is the engineer's integration test.
 */
export async function contractTarget(): Promise<{ address: string; close(): Promise<void> }> {
  const sdk = readFileSync(TEMPORAL_SDK_METRICS_FIXTURE, 'utf8');
  let scrapes = 0;
  const exposition = (): string => {
    scrapes++;
    const lines: string[] = [];
    for (const [name, m] of Object.entries(TICKET_CACHE_METRICS)) {
      lines.push(`# HELP ${name} ${m.help}`, `# TYPE ${name} ${m.type}`);
      for (const labels of combinations(m.labels)) {
        if (m.type === 'counter') lines.push(`${name}${text(labels)} ${scrapes * 3}`);
        else if (m.type === 'gauge') {
          const value = name.endsWith('_timestamp_seconds') ? Math.floor(Date.now() / 1000) - 600 : 5;
          lines.push(`${name}${text(labels)} ${value}`);
        } else {
          for (const [le, n] of [
            ['0.1', scrapes],
            ['1', scrapes * 2],
            ['+Inf', scrapes * 3],
          ] as const) {
            lines.push(`${name}_bucket${text({ ...labels, le })} ${n}`);
          }
          lines.push(`${name}_sum${text(labels)} ${scrapes}`, `${name}_count${text(labels)} ${scrapes * 3}`);
        }
      }
    }
    return `${lines.join('\n')}\n${sdk}`;
  };
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(req.url === '/metrics' ? exposition() : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
