import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimulatorContext } from '../context';
import type { PaginationQuirk } from '../faults';
import { envelope, failure, runApiCall, SESSION_EXPIRED, type ApiAnswer, type Caller } from '../respond';
import { CURRENT_STATUSES, HISTORY_STATUSES, type SimPass } from '../seed-data';

const DEFAULT_PER_PAGE = 20;

interface PageQuery {
  per_page?: string;
  page?: string;
  status?: string;
}

/** Resolves `Authorization: Bearer <token>`: unknown or revoked → 401; expired session → HTTP 200 with error 50020. */
export function bearerCaller(ctx: SimulatorContext, request: FastifyRequest): Caller {
  const header = request.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const auth = token ? ctx.store.authenticate(token) : { ok: false as const, reason: 'unknown-token' as const };
  if (auth.ok) return { userId: auth.userId };
  if (auth.reason === 'session-expired') return { reject: failure(200, SESSION_EXPIRED) };
  return { reject: failure(401, { code: 40100, message: 'Unauthorized' }) };
}

function byNewest(a: SimPass, b: SimPass): number {
  return a.time_created < b.time_created ? 1 : a.time_created > b.time_created ? -1 : a.uuid.localeCompare(b.uuid);
}

function positiveInt(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  return /^\d+$/.test(value) && Number(value) >= 1 ? Number(value) : undefined;
}

/** A count as a broken API sends it (see PaginationQuirk.counts). */
function quirkyCount(n: number, quirk: PaginationQuirk | undefined): number | string | null {
  if (quirk?.counts === 'null') return null;
  return quirk?.counts === 'string' ? String(n) : n;
}

/**
 * One page of passes in Bytemark's envelope; `pagination.next` is the next page's URL or null. A
 * pagination quirk (a fault) bends the paging as broken APIs do.
 */
function page(
  ctx: SimulatorContext,
  request: FastifyRequest,
  passes: SimPass[],
  query: PageQuery,
  quirk?: PaginationQuirk,
): ApiAnswer {
  const perPage = positiveInt(query.per_page, DEFAULT_PER_PAGE);
  const askedPage = positiveInt(query.page, 1);
  if (perPage === undefined || askedPage === undefined)
    return failure(400, { code: 40000, message: 'Invalid paging parameters' });
  const pageNo = quirk?.ignorePage ? 1 : askedPage;
  const size = Math.min(perPage, ctx.settings.maxPerPage);
  const sorted = [...passes].sort(byNewest);
  const slice = sorted.slice((pageNo - 1) * size, pageNo * size);
  let next: string | null = null;
  if (pageNo * size < sorted.length || quirk?.nextAlways) {
    const params = new URLSearchParams({
      ...(query.status ? { status: query.status } : {}),
      per_page: String(size),
      page: String(askedPage + 1),
    });
    next = `${request.protocol}://${request.host}${request.url.split('?')[0] ?? ''}?${params.toString()}`;
  }
  return {
    status: 200,
    payload: envelope({
      passes: slice,
      page_count: quirkyCount(slice.length, quirk),
      total_count: quirkyCount(sorted.length, quirk),
      pagination: { page: pageNo, per_page: size, next },
    }),
  };
}

/** Customer API (Overture): v1 current passes, v4 history, and pass activation. */
export function registerPassRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.get('/passes', async (request, reply) => {
    const query = request.query as PageQuery;
    await runApiCall(
      ctx,
      'GET /passes',
      request,
      reply,
      () => bearerCaller(ctx, request),
      (userId, fault) => {
        const passes = ctx.store.passes(userId ?? -1).filter((p) => CURRENT_STATUSES.includes(p.status));
        return page(ctx, request, passes, { per_page: query.per_page, page: query.page }, fault?.pagination);
      },
    );
  });

  app.get('/v4.0/passes', async (request, reply) => {
    const query = request.query as PageQuery;
    await runApiCall(
      ctx,
      'GET /v4.0/passes',
      request,
      reply,
      () => bearerCaller(ctx, request),
      (userId, fault) => {
        const all = ctx.store.passes(userId ?? -1);
        const wanted = query.status === 'EXPIRED' ? HISTORY_STATUSES : query.status ? [query.status] : undefined;
        return page(
          ctx,
          request,
          wanted ? all.filter((p) => wanted.includes(p.status)) : all,
          query,
          fault?.pagination,
        );
      },
    );
  });

  app.post('/passes/:uuid/uses', async (request, reply) => {
    const { uuid } = request.params as { uuid: string };
    await runApiCall(
      ctx,
      'POST /passes/:uuid/uses',
      request,
      reply,
      () => bearerCaller(ctx, request),
      (userId) => {
        const result = ctx.store.usePass(userId ?? -1, uuid);
        if (result.ok) return { status: 200, payload: { errors: [] } };
        return result.reason === 'not-found'
          ? failure(404, { code: 40400, message: 'Pass not found' })
          : failure(400, { code: 40010, message: 'Pass is not usable' });
      },
    );
  });
}
