import type { Sequelize } from 'sequelize';
import { CallPacer } from './bytemark-call-pacer';
import { createSequelize } from './connections';
import { openTestConnections, testDatabaseUrls, truncateMysqlTables } from './testing';

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

  it('refuses a limit that is not positive', () => {
    expect(() => new CallPacer(conns.sequelize, 0)).toThrow(RangeError);
  });
});
