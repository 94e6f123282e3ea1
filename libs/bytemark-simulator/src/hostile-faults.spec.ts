import { SimulatorAdmin } from './admin-client';
import { startSimulator, type RunningSimulator } from './server';

const CLIENT_ID = 'test-client';

describe('Bytemark simulator hostile-API faults over HTTP', () => {
  let sim: RunningSimulator;
  let admin: SimulatorAdmin;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 5, users: 2, passesPerUser: 20, clientId: CLIENT_ID });
    admin = new SimulatorAdmin(sim.url);
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await admin.reset({ seed: 5, users: 2, passesPerUser: 20, firstUserId: 1 });
    token = (await admin.user(1)).token ?? '';
  });

  const get = async (path: string) => {
    const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const getJson = async (path: string) => {
    const res = await get(path);
    return { ...res, body: JSON.parse(res.text) as { errors: unknown[]; data: Record<string, unknown> | null } };
  };

  it('a missing-pass-array fault answers 200 without errors and without data.passes, keeping the counts', async () => {
    await admin.setFaults({ 'GET /passes': { missingPassArray: true, times: 1 } });
    const res = await getJson('/passes?per_page=100');
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    expect(res.body.data).not.toHaveProperty('passes');
    expect(res.body.data).toMatchObject({ total_count: expect.any(Number), pagination: expect.any(Object) });
    expect(Array.isArray((await getJson('/passes?per_page=100')).body.data?.['passes'])).toBe(true);
  });

  it('the missing-pass-array fault can rename the array or null the whole data object', async () => {
    await admin.setFaults({ 'GET /v4.0/passes': { missingPassArray: { mode: 'renamed' }, times: 1 } });
    const renamed = await getJson('/v4.0/passes?status=EXPIRED&per_page=100');
    expect(renamed.body.data).not.toHaveProperty('passes');
    expect(renamed.body.data?.['items']).toEqual(expect.any(Array));

    await admin.setFaults({ 'GET /passes': { missingPassArray: { mode: 'null-data' }, times: 1 } });
    const nulled = await getJson('/passes');
    expect(nulled.status).toBe(200);
    expect(nulled.body).toMatchObject({ errors: [], data: null });
  });

  it('an oversize-body fault pads the answer past the given size and it stays a valid envelope with the same passes', async () => {
    const normal = await getJson('/passes?per_page=100');
    await admin.setFaults({ 'GET /passes': { oversizeBodyBytes: 2_000_000, times: 1 } });
    const padded = await get('/passes?per_page=100');
    expect(padded.status).toBe(200);
    expect(Buffer.byteLength(padded.text)).toBeGreaterThanOrEqual(2_000_000);
    expect(Buffer.byteLength(padded.text)).toBeLessThan(2_000_100);
    const body = JSON.parse(padded.text) as { errors: unknown[]; data: Record<string, unknown> };
    expect(body.errors).toEqual([]);
    expect(body.data['passes']).toEqual(normal.body.data?.['passes']);
  });

  it('a 403 fault answers HTTP 403 with an error envelope', async () => {
    await admin.setFaults({ 'GET /passes': { httpStatus: 403, times: 1 } });
    const res = await getJson('/passes');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ errors: [{ code: 40300 }], data: null });
  });

  it('a 429 fault can ask for a day, in seconds or as an HTTP date', async () => {
    await admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 86_400 }, times: 1 } });
    expect((await get('/passes')).headers.get('retry-after')).toBe('86400');
    await admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 86_400, form: 'http-date' }, times: 1 } });
    const at = Date.parse((await get('/passes')).headers.get('retry-after') ?? '');
    expect(at - Date.now()).toBeGreaterThan(86_000_000);
  });

  it('faults list the new fields as set, with their remaining count', async () => {
    await admin.setFaults({ 'GET /passes': { missingPassArray: { mode: 'absent' }, oversizeBodyBytes: 10, times: 2 } });
    expect(await admin.faults()).toEqual({
      'GET /passes': { missingPassArray: { mode: 'absent' }, oversizeBodyBytes: 10, times: 2, remaining: 2 },
    });
  });
});
