import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorContext } from './context';
import {
  addExtraKey,
  dropPassArray,
  duplicatePass,
  latencyMs,
  padPayload,
  reorderKeys,
  violateSchema,
  type FaultSpec,
} from './faults';

export const SESSION_EXPIRED = { code: 50020, message: 'Unfortunately, your session has expired. Please log back in.' };
const DEFAULT_HANG_MS = 30_000;

export interface BytemarkError {
  code: number;
  message: string;
}

/** A handler's answer before faults and transport effects are applied. */
export interface ApiAnswer {
  status: number;
  payload: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Bytemark's envelope. */
export function envelope(data: unknown, errors: BytemarkError[] = []): Record<string, unknown> {
  return { errors, server_time: new Date().toISOString(), data };
}

export function failure(status: number, error: BytemarkError): ApiAnswer {
  return { status, payload: envelope(null, [error]) };
}

/** Who is calling: a user id, or an answer to send instead (unknown token, expired session). */
export type Caller = { userId: number | undefined } | { reject: ApiAnswer };

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms > 0) await sleep(ms, undefined, { signal }).catch(() => undefined);
}

function faultAnswer(fault: FaultSpec): ApiAnswer | undefined {
  const error = (code: number, message: string): BytemarkError => ({ code, message: fault.errorMessage ?? message });
  if (fault.rate429) {
    const seconds = fault.rate429.retryAfterSeconds ?? 1;
    const value =
      fault.rate429.form === 'http-date' ? new Date(Date.now() + seconds * 1000).toUTCString() : String(seconds);
    return { ...failure(429, error(42900, 'Too Many Requests')), headers: { 'retry-after': value } };
  }
  if (fault.httpStatus !== undefined) {
    return failure(fault.httpStatus, error(fault.httpStatus * 100, `Simulated HTTP ${fault.httpStatus}`));
  }
  if (fault.errorRate !== undefined && Math.random() < fault.errorRate) {
    const status = fault.errorStatus ?? 503;
    return failure(status, error(status * 100, status === 503 ? 'Service Unavailable' : 'Internal Server Error'));
  }
  if (fault.sessionExpired) return failure(200, error(SESSION_EXPIRED.code, SESSION_EXPIRED.message));
  return undefined;
}

function transformPasses(answer: ApiAnswer, fault: FaultSpec | undefined): ApiAnswer {
  if (fault?.missingPassArray && answer.status === 200) {
    return { ...answer, payload: dropPassArray(answer.payload, fault.missingPassArray) };
  }
  const data = answer.payload['data'] as { passes?: unknown } | null | undefined;
  const touchesPasses = fault && (fault.schemaViolation || fault.reorderKeys || fault.duplicatePass || fault.extraKey);
  if (!fault || !data || !Array.isArray(data.passes) || !touchesPasses) return answer;
  let passes = data.passes as Array<Record<string, unknown>>;
  if (fault.schemaViolation) passes = violateSchema(passes, fault.schemaViolation);
  if (fault.duplicatePass) passes = duplicatePass(passes, fault.duplicatePass);
  if (fault.extraKey) passes = addExtraKey(passes, fault.extraKey);
  if (fault.reorderKeys) passes = passes.map(reorderKeys);
  return { ...answer, payload: { ...answer.payload, data: { ...data, passes } } };
}

/**
 * Runs one API call through the simulator's pipeline: global rate limit, global latency, caller
 * authentication, the route's fault (latency, hang, error statuses, session expiry), the handler
 * (told the fault: paging quirks), then payload faults (missing pass array, schema violation, a pass
 * listed twice, an extra key, reordered keys, oversize padding) and
 * transport faults (malformed JSON, truncated body). Every request is counted per route and answered status.
 */
export async function runApiCall(
  ctx: SimulatorContext,
  route: string,
  request: FastifyRequest,
  reply: FastifyReply,
  identify: () => Caller,
  handle: (userId: number | undefined, fault: FaultSpec | undefined) => ApiAnswer,
): Promise<void> {
  ctx.counters.arrived();
  const wait = ctx.bucket.take();
  if (wait > 0) {
    const limited = failure(429, { code: 42900, message: 'Too Many Requests' });
    return send(ctx, route, reply, { ...limited, headers: { 'retry-after': String(wait) } }, undefined);
  }
  await pause(latencyMs(ctx.settings.latency), ctx.closing);

  const caller = identify();
  if ('reject' in caller) return send(ctx, route, reply, caller.reject, undefined);

  const fault = ctx.faults.take(route, caller.userId);
  if (fault) {
    await pause(latencyMs(fault.latency), ctx.closing);
    if (fault.hang) {
      ctx.counters.record(route, 'hang');
      reply.hijack();
      const ms = typeof fault.hang === 'object' ? (fault.hang.ms ?? DEFAULT_HANG_MS) : DEFAULT_HANG_MS;
      await pause(ms, ctx.closing);
      request.raw.socket.destroy();
      return;
    }
    const answer = faultAnswer(fault);
    if (answer) return send(ctx, route, reply, answer, undefined);
  }
  return send(ctx, route, reply, transformPasses(handle(caller.userId, fault), fault), fault);
}

function send(
  ctx: SimulatorContext,
  route: string,
  reply: FastifyReply,
  answer: ApiAnswer,
  fault: FaultSpec | undefined,
): void {
  const payload =
    fault?.oversizeBodyBytes !== undefined ? padPayload(answer.payload, fault.oversizeBodyBytes) : answer.payload;
  const headers = answer.headers ?? {};
  if (fault?.truncatedBody) {
    ctx.counters.record(route, 'truncated');
    const body = JSON.stringify(payload);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(answer.status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    raw.write(body.slice(0, Math.floor(body.length / 2)), () => raw.socket?.destroy());
    return;
  }
  ctx.counters.record(route, answer.status);
  reply.code(answer.status).headers(headers);
  if (fault?.malformedJson) {
    const body = JSON.stringify(payload);
    void reply.type('application/json; charset=utf-8').send(`${body.slice(0, Math.floor(body.length / 2))}<html>`);
    return;
  }
  void reply.send(payload);
}
