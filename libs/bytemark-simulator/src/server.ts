import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { SimulatorContext } from './context';
import { RequestCounters } from './counters';
import { FaultRegistry } from './faults';
import { TokenBucket } from './rate-limit';
import { registerAccountRoutes } from './routes/account.routes';
import { registerAdminRoutes } from './routes/admin.routes';
import { registerPassRoutes } from './routes/passes.routes';
import { SimulatorStore } from './store';

export interface SimulatorOptions {
  host?: string;
  /** 0 = a free port. Default 4010. */
  port?: number;
  seed?: number;
  users?: number;
  passesPerUser?: number;
  /** The client id login accepts. Default 'local-dev-client'. */
  clientId?: string;
  /** Global token-bucket limit on API calls; 0 or undefined = off. */
  rateLimitRps?: number;
  /** Largest page the server returns, whatever per_page asks. Default 10000. */
  maxPerPage?: number;
  /** Default 1. */
  firstUserId?: number;
}

export interface RunningSimulator {
  /** Base URL of both the account and the customer API (and /admin). */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_CLIENT_ID = 'local-dev-client';

/** Builds the fastify app and its context without listening (used by startSimulator). */
export function buildSimulator(opts: SimulatorOptions = {}): {
  app: FastifyInstance;
  ctx: SimulatorContext;
  shutdown: AbortController;
} {
  const shutdown = new AbortController();
  // Every answer delayed by the simulated latency listens on this signal until it is sent (the listener
  // goes with it): hundreds at once under load are expected, not a leak, so Node's warning at 11 is off.
  setMaxListeners(0, shutdown.signal);
  const store = new SimulatorStore();
  store.reset({
    seed: opts.seed ?? 1,
    users: opts.users ?? 10,
    passesPerUser: opts.passesPerUser ?? 20,
    firstUserId: opts.firstUserId ?? 1,
  });
  const ctx: SimulatorContext = {
    store,
    faults: new FaultRegistry(),
    counters: new RequestCounters(),
    bucket: new TokenBucket(opts.rateLimitRps ?? 0),
    settings: { latency: {}, clientId: opts.clientId ?? DEFAULT_CLIENT_ID, maxPerPage: opts.maxPerPage ?? 10_000 },
    closing: shutdown.signal,
  };
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 10 * 1024 * 1024 });
  registerAccountRoutes(app, ctx);
  registerPassRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  app.addHook('onClose', async () => shutdown.abort());
  return { app, ctx, shutdown };
}

/** Starts the simulator over real HTTP. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const { app, shutdown } = buildSimulator(opts);
  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 4010 });
  const address = app.server.address() as AddressInfo;
  const bound = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const host = bound.includes(':') ? `[${bound}]` : bound;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      shutdown.abort();
      await app.close();
    },
  };
}
