import { HANG_MS, planFaults, spreadPoints } from './fault-plan';
import { Prng } from './prng';

const input = { users: 1000, seed: 1, faultShare: 0.03, workerKills: 3, ferretRestarts: 1, mysqlKillRounds: 4 };

describe('the fault plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(planFaults(input)).toEqual(planFaults(input));
    expect(planFaults({ ...input, seed: 2 })).not.toEqual(planFaults(input));
  });

  it('reaches about the share of users asked for with each kind of Bytemark fault', () => {
    const { bursts } = planFaults(input);
    const requests = (kind: string) =>
      bursts
        .filter((b) => b.kind === kind && b.route !== 'POST /users/login')
        .reduce((n, b) => n + (b.spec.times ?? 0), 0);
    for (const kind of ['5xx', '429', 'hang']) expect(requests(kind)).toBe(30);
    const malformed = requests('malformed-json') + requests('truncated-body') + requests('missing-pass-array');
    expect(malformed).toBeGreaterThanOrEqual(27);
    expect(malformed).toBeLessThanOrEqual(33);
    expect(bursts.filter((b) => b.kind === 'hang').every((b) => (b.spec.hang as { ms: number }).ms === HANG_MS)).toBe(
      true,
    );
  });

  it('kills the worker, restarts FerretDB and kills MariaDB connections as often as asked, inside the sweep', () => {
    const { events, bursts } = planFaults(input);
    const count = (kind: string) => events.filter((e) => e.kind === kind).length;
    expect([count('worker-kill'), count('ferretdb-restart'), count('mysql-kill'), count('queue-run')]).toEqual([
      3, 1, 4, 1,
    ]);
    for (const e of [...events, ...bursts]) {
      expect(e.at).toBeGreaterThan(0);
      expect(e.at).toBeLessThan(1);
    }
  });

  it('spreads points over their range, one per stratum', () => {
    const points = spreadPoints(4, 0.1, 0.9, new Prng(3));
    points.forEach((p, i) => {
      expect(p).toBeGreaterThanOrEqual(0.1 + 0.2 * i);
      expect(p).toBeLessThan(0.1 + 0.2 * (i + 1));
    });
  });
});
