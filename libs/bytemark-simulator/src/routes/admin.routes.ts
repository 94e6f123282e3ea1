import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context';
import type { FaultSpec, LatencySpec } from '../faults';
import { SimulatorNotFoundError } from '../store';

export interface ResetBody {
  seed?: number;
  users?: number;
  passesPerUser?: number;
  firstUserId?: number;
}

export interface SettingsBody {
  latency?: LatencySpec;
  rateLimitRps?: number;
}

function userIdOf(params: unknown): number {
  const raw = (params as { userId?: string }).userId ?? '';
  if (!/^\d+$/.test(raw)) throw new SimulatorNotFoundError(`no simulated user ${raw}`);
  return Number(raw);
}

/** The admin API under /admin: seed, inspect and mutate state, counters, faults and settings. */
export function registerAdminRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const { store } = ctx;

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof SimulatorNotFoundError) return reply.code(404).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: (error as Error).message });
  });

  app.post('/admin/reset', async (request) => {
    const body = (request.body ?? {}) as ResetBody;
    const current = store.seedParams;
    store.reset({
      seed: body.seed ?? current.seed,
      users: body.users ?? current.users,
      passesPerUser: body.passesPerUser ?? current.passesPerUser,
      firstUserId: body.firstUserId ?? current.firstUserId,
    });
    ctx.faults.clear();
    ctx.counters.reset();
    return { ...store.seedParams };
  });

  app.get('/admin/users', async () => store.listUsers());
  app.get('/admin/users/:userId', async (request) => store.account(userIdOf(request.params)));
  app.get('/admin/users/:userId/passes', async (request) => store.passes(userIdOf(request.params)));

  app.post('/admin/users/:userId/passes', async (request, reply) => {
    const body = (request.body ?? {}) as {
      productUuid?: string;
      status?: string;
      uuid?: string;
      fields?: Record<string, unknown>;
    };
    const userId = userIdOf(request.params);
    const pass = store.addPass(userId, {
      ...(body.productUuid ? { productUuid: body.productUuid } : {}),
      ...(body.status ? { status: body.status } : {}),
      ...(typeof body.uuid === 'string' && body.uuid !== '' ? { uuid: body.uuid } : {}),
    });
    const result = body.fields ? store.modifyPass(userId, pass.uuid, body.fields) : pass;
    return reply.code(201).send(result);
  });

  app.patch('/admin/users/:userId/passes/:uuid', async (request) => {
    const { uuid } = request.params as { uuid: string };
    return store.modifyPass(userIdOf(request.params), uuid, (request.body ?? {}) as Record<string, unknown>);
  });

  app.post('/admin/users/:userId/passes/:uuid/expire', async (request) => {
    const { uuid } = request.params as { uuid: string };
    return store.expirePass(userIdOf(request.params), uuid);
  });

  app.post('/admin/users/:userId/free-tickets', async (request, reply) => {
    const body = (request.body ?? {}) as { count?: number; productUuid?: string };
    return reply.code(201).send(store.grantFreeTickets(userIdOf(request.params), body.count ?? 1, body.productUuid));
  });

  app.put('/admin/users/:userId/pass-count', async (request) => {
    const body = (request.body ?? {}) as { count?: number; status?: string };
    return { count: store.setPassCount(userIdOf(request.params), body.count ?? 0, body.status) };
  });

  app.post('/admin/users/:userId/revoke-token', async (request) => {
    store.revokeToken(userIdOf(request.params));
    return { ok: true };
  });

  app.post('/admin/users/:userId/expire-session', async (request) => {
    store.expireSession(userIdOf(request.params));
    return { ok: true };
  });

  app.get('/admin/counters', async () => ctx.counters.snapshot());
  app.get('/admin/counters/rate', async () => ctx.counters.rate());
  app.delete('/admin/counters', async () => {
    ctx.counters.reset();
    return { ok: true };
  });

  app.get('/admin/faults', async () => ctx.faults.list());
  app.put('/admin/faults', async (request) => {
    ctx.faults.set((request.body ?? {}) as Record<string, FaultSpec | null>);
    return ctx.faults.list();
  });
  app.delete('/admin/faults', async () => {
    ctx.faults.clear();
    return { ok: true };
  });

  app.get('/admin/settings', async () => ({ latency: ctx.settings.latency, rateLimitRps: ctx.bucket.rate }));
  app.put('/admin/settings', async (request) => {
    const body = (request.body ?? {}) as SettingsBody;
    if (body.latency) ctx.settings.latency = body.latency;
    if (body.rateLimitRps !== undefined) ctx.bucket.setRate(body.rateLimitRps);
    return { latency: ctx.settings.latency, rateLimitRps: ctx.bucket.rate };
  });
}
