import { SimulatorAdmin } from './admin-client';
import { FREE_PRODUCT_UUIDS } from './seed-data';
import { startSimulator, type RunningSimulator } from './server';

const CLIENT_ID = 'test-client';

interface Envelope {
  errors: Array<{ code: number; message: string }>;
  server_time?: string;
  data: {
    passes: Array<Record<string, unknown> & { uuid: string; status: string }>;
    page_count: number;
    total_count: number;
    pagination: { page: number; per_page: number; next: string | null };
  } | null;
}

describe('Bytemark simulator over HTTP', () => {
  let sim: RunningSimulator;
  let admin: SimulatorAdmin;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 5, users: 5, passesPerUser: 20, clientId: CLIENT_ID });
    admin = new SimulatorAdmin(sim.url);
  });
  afterAll(() => sim.close());
  beforeEach(() => admin.reset({ seed: 5, users: 5, passesPerUser: 20, firstUserId: 1 }));

  const get = async (path: string, token: string | undefined) => {
    const res = await fetch(`${sim.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const getJson = async (path: string, token: string | undefined) => {
    const res = await get(path, token);
    return { ...res, body: JSON.parse(res.text) as Envelope };
  };
  const login = async (body: Record<string, unknown>) => {
    const res = await fetch(`${sim.url}/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { errors: unknown[]; data: { oauth_token: string } | null },
    };
  };
  const firstUser = async () => {
    const user = (await admin.users())[0];
    if (!user?.token) throw new Error('no seeded user');
    return { ...user, token: user.token };
  };

  it('lists seeded users with email, password and a current token', async () => {
    const users = await admin.users();
    expect(users.map((u) => u.userId)).toEqual([1, 2, 3, 4, 5]);
    expect(users[0]).toMatchObject({
      email: 'bytemark.1@mail.connectsmartx.com',
      token: expect.stringMatching(/^bm_/),
    });
  });

  it('login issues a new token and the old one stops working', async () => {
    const user = await firstUser();
    const res = await login({ client_id: CLIENT_ID, email: user.email, password: user.password });
    expect(res.status).toBe(200);
    const newToken = res.body.data?.oauth_token ?? '';
    expect(newToken).not.toBe(user.token);
    expect((await get('/passes', user.token)).status).toBe(401);
    expect((await get('/passes', newToken)).status).toBe(200);
    expect((await admin.user(1)).token).toBe(newToken);
  });

  it('login with a wrong client id or password answers 401 with an error envelope', async () => {
    const user = await firstUser();
    const wrongClient = await login({ client_id: 'nope', email: user.email, password: user.password });
    expect(wrongClient.status).toBe(401);
    expect(wrongClient.body.errors).toHaveLength(1);
    const wrongPassword = await login({ client_id: CLIENT_ID, email: user.email, password: 'wrong' });
    expect(wrongPassword.status).toBe(401);
  });

  it('v1 returns only USABLE and USING passes and v4 with status=EXPIRED only EXPIRED and USES_GONE, together all of them', async () => {
    const user = await firstUser();
    const v1 = await getJson('/passes?per_page=9999&page=1', user.token);
    const v4 = await getJson('/v4.0/passes?status=EXPIRED&per_page=9999&page=1', user.token);
    const v1Statuses = new Set(v1.body.data?.passes.map((p) => p.status));
    const v4Statuses = new Set(v4.body.data?.passes.map((p) => p.status));
    expect([...v1Statuses].every((s) => s === 'USABLE' || s === 'USING')).toBe(true);
    expect([...v4Statuses].every((s) => s === 'EXPIRED' || s === 'USES_GONE')).toBe(true);
    expect((v1.body.data?.total_count ?? 0) + (v4.body.data?.total_count ?? 0)).toBe(20);
    expect(v1.body).toMatchObject({ errors: [], server_time: expect.any(String) });
  });

  it('pages carry page_count, total_count and a next URL that leads to the following page until null', async () => {
    const user = await firstUser();
    await admin.setPassCount(1, 60, 'USABLE');
    const seen: string[] = [];
    let path: string | null = '/passes?per_page=20&page=1';
    let pages = 0;
    while (path) {
      const res = await getJson(path, user.token);
      const data = res.body.data;
      if (!data) throw new Error('no data');
      pages += 1;
      expect(data.page_count).toBe(data.passes.length);
      seen.push(...data.passes.map((p) => p.uuid));
      path = data.pagination.next
        ? new URL(data.pagination.next).pathname + new URL(data.pagination.next).search
        : null;
    }
    const total = (await admin.passes(1)).filter((p) => p.status === 'USABLE' || p.status === 'USING').length;
    expect(total).toBeGreaterThan(40);
    expect(pages).toBe(Math.ceil(total / 20));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(total);
  });

  it('using a pass marks it USING with first_use set and uses_count incremented', async () => {
    const user = await firstUser();
    const pass = await admin.addPass(1, { status: 'USABLE' });
    const res = await fetch(`${sim.url}/passes/${pass.uuid}/uses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ errors: [] });
    const used = (await admin.passes(1)).find((p) => p.uuid === pass.uuid);
    expect(used).toMatchObject({ status: 'USING', uses_count: 1, first_use: expect.any(String) });
  });

  it('admin operations add, modify, expire passes and grant free tickets', async () => {
    const added = await admin.addPass(2, { productUuid: FREE_PRODUCT_UUIDS[1], status: 'USABLE' });
    expect(added.product_uuid).toBe(FREE_PRODUCT_UUIDS[1]);
    const modified = await admin.modifyPass(2, added.uuid, { label_name: 'Renamed' });
    expect(modified).toMatchObject({ uuid: added.uuid, label_name: 'Renamed' });
    expect((await admin.expirePass(2, added.uuid)).status).toBe('EXPIRED');
    const free = await admin.grantFreeTickets(2, 3);
    expect(free.map((p) => p.product_uuid)).toEqual([
      FREE_PRODUCT_UUIDS[0],
      FREE_PRODUCT_UUIDS[0],
      FREE_PRODUCT_UUIDS[0],
    ]);
    expect(await admin.passes(2)).toHaveLength(24);
  });

  it('a revoked token answers 401 and an expired session answers error 50020 until the user logs in again', async () => {
    const user = await firstUser();
    await admin.expireSession(1);
    const expired = await getJson('/passes', user.token);
    expect(expired.status).toBe(200);
    expect(expired.body.errors[0]?.code).toBe(50020);
    await login({ client_id: CLIENT_ID, email: user.email, password: user.password });
    const fresh = (await admin.user(1)).token ?? '';
    expect((await getJson('/passes', fresh)).body.errors).toEqual([]);
    await admin.revokeToken(1);
    expect((await get('/passes', fresh)).status).toBe(401);
  });

  it('a fault with times: 2 fails twice then the route succeeds, and counters record each status', async () => {
    const user = await firstUser();
    await admin.setFaults({ 'GET /passes': { httpStatus: 503, times: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get('/passes', user.token)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await admin.counters())['GET /passes']).toEqual({ total: 3, byStatus: { '200': 1, '503': 2 } });
  });

  it('a fault limited to one user leaves other users alone', async () => {
    const users = await admin.users();
    await admin.setFaults({ 'GET /passes': { httpStatus: 500, userId: 2 } });
    expect((await get('/passes', users[0]?.token ?? '')).status).toBe(200);
    expect((await get('/passes', users[1]?.token ?? '')).status).toBe(500);
  });

  it('429 faults send Retry-After in seconds or as an HTTP date', async () => {
    const user = await firstUser();
    await admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 7 }, times: 1 } });
    expect((await get('/passes', user.token)).headers.get('retry-after')).toBe('7');
    await admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 7, form: 'http-date' }, times: 1 } });
    const res = await get('/passes', user.token);
    expect(res.status).toBe(429);
    expect(Date.parse(res.headers.get('retry-after') ?? '')).toBeGreaterThan(Date.now());
  });

  it('malformed JSON, schema violations and reordered keys change the body as described', async () => {
    const user = await firstUser();
    await admin.setFaults({ 'GET /passes': { malformedJson: true, times: 1 } });
    const malformed = await get('/passes', user.token);
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text)).toThrow();

    const normal = await getJson('/passes?per_page=100', user.token);
    await admin.setFaults({ 'GET /passes': { schemaViolation: { field: 'status', mode: 'missing' }, times: 1 } });
    const violated = await getJson('/passes?per_page=100', user.token);
    expect(violated.body.data?.passes[0]).not.toHaveProperty('status');
    expect(violated.body.data?.passes[0]?.uuid).toBe(normal.body.data?.passes[0]?.uuid);

    await admin.setFaults({ 'GET /passes': { reorderKeys: true, times: 1 } });
    const reordered = await getJson('/passes?per_page=100', user.token);
    const a = normal.body.data?.passes[0] ?? {};
    const b = reordered.body.data?.passes[0] ?? {};
    expect(b).toEqual(a);
    expect(Object.keys(b)).toEqual(Object.keys(a).reverse());
  });

  it('a truncated body is cut off mid-transfer', async () => {
    const user = await firstUser();
    await admin.setFaults({ 'GET /passes': { truncatedBody: true, times: 1 } });
    await expect(get('/passes', user.token)).rejects.toThrow();
    expect((await admin.counters())['GET /passes']?.byStatus).toEqual({ truncated: 1 });
  });

  it('the global token bucket answers 429 with Retry-After once the rate is exceeded', async () => {
    const user = await firstUser();
    await admin.setSettings({ rateLimitRps: 3 });
    try {
      const statuses = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await get('/passes', user.token)).status);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses[0]).toBe(200);
    } finally {
      await admin.setSettings({ rateLimitRps: 0 });
    }
  });

  it('closing the simulator releases a hung request', async () => {
    const other = await startSimulator({ port: 0, users: 1, clientId: CLIENT_ID });
    const otherAdmin = new SimulatorAdmin(other.url);
    const token = (await otherAdmin.users())[0]?.token ?? '';
    await otherAdmin.setFaults({ 'GET /passes': { hang: true } });
    const pending = fetch(`${other.url}/passes`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await other.close();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
