import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context';
import { envelope, failure, runApiCall } from '../respond';

interface LoginBody {
  client_id?: unknown;
  email?: unknown;
  password?: unknown;
}

/** Account API: `POST /users/login` with `{ client_id, email, password }` issues a new OAuth token. */
export function registerAccountRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const route = 'POST /users/login';
  app.post('/users/login', async (request, reply) => {
    const body = (request.body ?? {}) as LoginBody;
    const email = typeof body.email === 'string' ? body.email : '';
    const userId = /^bytemark\.(\d+)@/.exec(email)?.[1];
    await runApiCall(
      ctx,
      route,
      request,
      reply,
      () => ({ userId: userId === undefined ? undefined : Number(userId) }),
      () => {
        if (body.client_id !== ctx.settings.clientId) return failure(401, { code: 40101, message: 'Invalid client' });
        const token = typeof body.password === 'string' ? ctx.store.login(email, body.password) : null;
        if (!token) return failure(401, { code: 40102, message: 'Invalid email or password' });
        return { status: 200, payload: envelope({ oauth_token: token }) };
      },
    );
  });
}
