import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { listen } from '../health-server';

/**
 * `GET /metrics` on the worker's metrics port: the service's own metrics (`registry`) followed by the
 * Temporal SDK's `temporal_*` series, read from the SDK's exporter on a loopback port, so Prometheus
 * scrapes one endpoint per worker. An SDK exporter that does not answer costs its series, never ours.
 */
export function startMetricsServer(p: { registry: Registry; port: number; sdkMetricsUrl?: string }): Promise<Server> {
  const server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found: /metrics\n');
      return;
    }
    void (async () => {
      const [ours, sdk] = await Promise.all([
        p.registry.metrics(),
        p.sdkMetricsUrl
          ? fetch(p.sdkMetricsUrl, { signal: AbortSignal.timeout(2000) })
              .then((r) => (r.ok ? r.text() : ''))
              .catch(() => '')
          : Promise.resolve(''),
      ]);
      res.writeHead(200, { 'content-type': p.registry.contentType });
      res.end(`${ours.trimEnd()}\n${sdk}`);
    })().catch((error: unknown) => {
      res.writeHead(500).end(`metrics failed: ${(error as Error).name}\n`);
    });
  });
  return listen(server, p.port);
}
