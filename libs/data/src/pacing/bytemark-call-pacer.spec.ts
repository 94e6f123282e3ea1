import type { Sequelize } from 'sequelize';
import { CallPacer, readPaceControls, writePaceControls } from './bytemark-call-pacer';
import { createSequelize } from '../connections';
import { openTestConnections, testDatabaseUrls, truncateMysqlTables } from '../testing';

describe('CallPacer (MariaDB)', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  let other: Sequelize;

  beforeAll(async () => {
    conns = await openTestConnections();
    other = createSequelize(testDatabaseUrls().mysqlUrl);
  });
  beforeEach(() => truncateMysqlTables(conns.sequelize, ['bytemark_call_pace']));
  afterAll(async () => {
    await other.close();
    await conns.close();
  });

  it('two pacers on separate connections, like two workers, space their calls evenly at the limit', async () => {
    const perSecond = 20;
    const pacers = [new CallPacer(conns.sequelize, perSecond), new CallPacer(other, perSecond)];
    const sent: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        await pacers[i % 2]!.acquire();
        sent.push(Date.now());
      }),
    );
    const bySecond = new Map<number, number>();
    for (const t of sent) bySecond.set(Math.floor(t / 1000), (bySecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(Math.max(...bySecond.values())).toBeLessThanOrEqual(perSecond);
    // No more than one second's worth within any second: a token bucket of the limit's size never refuses.
    sent.sort((a, b) => a - b);
    for (let i = perSecond; i < sent.length; i++) expect(sent[i]! - sent[i - perSecond]!).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
  }, 20_000);

  it('a call after a quiet time goes at once', async () => {
    const pacer = new CallPacer(conns.sequelize, 5);
    await pacer.acquire();
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await pacer.acquire();
    expect(Date.now() - t0).toBeLessThan(100);
  });

  it("a worker whose clock runs 3 s ahead of MySQL's still spaces its calls at the limit", async () => {
    const realNow = Date.now.bind(Date);
    // The schedule row exists already (another worker's calls), so slots come from MySQL.
    await new CallPacer(conns.sequelize, 10).acquire();
    const skew = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 3000);
    try {
      const pacer = new CallPacer(conns.sequelize, 10);
      const sent: number[] = [];
      await Promise.all(Array.from({ length: 12 }, () => pacer.acquire().then(() => sent.push(realNow()))));
      sent.sort((a, b) => a - b);
      // 12 calls at 10 a second take more than a second: none went early because the clocks differ.
      expect(sent[11]! - sent[0]!).toBeGreaterThanOrEqual(1000);
      for (let i = 10; i < sent.length; i++) expect(sent[i]! - sent[i - 10]!).toBeGreaterThanOrEqual(950);
    } finally {
      skew.mockRestore();
    }
  });

  it("a worker's clock stepped back a minute while calls wait (an NTP correction) stalls no lane and keeps the spacing", async () => {
    const realNow = Date.now.bind(Date);
    let stepMs = 0;
    const step = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + stepMs);
    try {
      const pacer = new CallPacer(conns.sequelize, 20);
      const sent: number[] = [];
      const started = realNow();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          pacer.acquire('sweep').then(() => {
            sent.push(realNow());
            if (i === 0) stepMs = -60_000;
          }),
        ),
      );
      const tookMs = realNow() - started;
      console.log(`40 sweep calls at 20/s, the clock stepped back 60 s after the first: ${tookMs} ms`);
      // 40 calls at 20 a second take about two seconds; a lane waiting for the stepped clock takes a minute more.
      expect(tookMs).toBeLessThan(10_000);
      sent.sort((a, b) => a - b);
      for (let i = 20; i < sent.length; i++) expect(sent[i]! - sent[i - 20]!).toBeGreaterThanOrEqual(950);
    } finally {
      step.mockRestore();
    }
  }, 90_000);

  it('a rider call asked after forty sweep calls goes within a few slots, not behind them', async () => {
    const pacer = new CallPacer(conns.sequelize, 20);
    const order: string[] = [];
    const sweep = Array.from({ length: 40 }, (_, i) => pacer.acquire('sweep').then(() => order.push(`sweep-${i}`)));
    await new Promise((r) => setTimeout(r, 300));
    const asked = Date.now();
    await pacer.acquire('rider');
    const riderWaitMs = Date.now() - asked;
    order.push('rider');
    await Promise.all(sweep);
    // Sweep calls book at most 150 ms ahead, so the rider waits about that, not the 2 s the 40 calls take.
    expect(riderWaitMs).toBeLessThan(500);
    expect(order.indexOf('rider')).toBeLessThan(15);
  });

  it("follows the operator's limit set in MySQL, and the configured one again once it is cleared", async () => {
    await writePaceControls(conns.sequelize, { rateLimitRps: 40 });
    expect(await readPaceControls(conns.sequelize)).toEqual({ rateLimitRps: 40, paused: null });
    const pacer = new CallPacer(conns.sequelize, 5);
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 20 }, () => pacer.acquire()));
    // 20 calls at the configured 5 a second would take 4 s; at 40 a second, half a second.
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(pacer.callsPerSecond).toBe(40);
    await writePaceControls(conns.sequelize, { rateLimitRps: null });
    expect((await readPaceControls(conns.sequelize)).rateLimitRps).toBeNull();
    expect(new CallPacer(conns.sequelize, 5).callsPerSecond).toBe(5);
  });

  it('tells its observer each call once, with its lane and how long it waited for its slot', async () => {
    const seen: Array<{ lane: string; waitMs: number }> = [];
    const pacer = new CallPacer(conns.sequelize, 10, (p) => seen.push(p));
    await Promise.all([
      ...Array.from({ length: 5 }, () => pacer.acquire('sweep')),
      pacer.acquire('rider'),
      pacer.acquire('queue'),
    ]);
    expect(seen).toHaveLength(7);
    expect(seen.filter((s) => s.lane === 'sweep')).toHaveLength(5);
    expect(seen.map((s) => s.lane)).toEqual(expect.arrayContaining(['rider', 'queue']));
    // Seven calls at 10 a second: the last waited about 0.6 s for its slot.
    expect(Math.max(...seen.map((s) => s.waitMs))).toBeGreaterThanOrEqual(500);
    expect(Math.max(...seen.map((s) => s.waitMs))).toBeLessThan(1500);
  });

  it('refuses a limit that is not positive', () => {
    expect(() => new CallPacer(conns.sequelize, 0)).toThrow(RangeError);
  });
});
