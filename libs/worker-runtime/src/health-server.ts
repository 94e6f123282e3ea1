import { createServer, type Server } from 'node:http';
import type { Worker } from '@temporalio/worker';

/**
 * The worker's health endpoint: `GET /livez` answers 200 while the process serves requests (a
 * liveness probe restarts a hung process, not a draining one); `GET /readyz` (and `/`, as before)
 * 200 while both Temporal workers run, 503 otherwise, with their states.
 */
export function startHealthServer(workers: readonly Worker[], port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const states = workers.map((w) => w.getState());
    const path = (req.url ?? '/').split('?')[0];
    const ok = path === '/livez' ? true : states.every((s) => s === 'RUNNING');
    const known = path === '/livez' || path === '/readyz' || path === '/';
    res.writeHead(known ? (ok ? 200 : 503) : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(known ? { ok, workers: states } : { error: 'not found: /livez, /readyz' }));
  });
  return listen(server, port);
}

export function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
