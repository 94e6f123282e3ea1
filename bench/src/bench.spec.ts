import { runBenchmark, type BenchmarkResult } from './run-benchmark';

describe('npm run bench -- --quick', () => {
  let result: BenchmarkResult;

  beforeAll(async () => {
    result = await runBenchmark({ quick: true }, () => undefined);
  }, 240_000);

  it('processes every user in each phase, with no failures', () => {
    const { users } = result.options;
    expect(result.phases.baseline.users).toBe(Math.min(users, result.options.baselineMaxUsers));
    expect(result.phases.ours.users).toBe(users);
    expect(result.phases.ceiling.users).toBe(users);
    for (const phase of Object.values(result.phases)) expect(phase.failed).toBe(0);
  });

  it('an unchanged user costs no audit entry and at most one MongoDB write in the sweep', () => {
    expect(result.phases.ours.auditEntriesPerUnchangedUser).toBe(0);
    expect(result.phases.baseline.auditEntriesPerUnchangedUser).toBe(0);
    expect(result.phases.ours.mongoWritesPerUnchangedUser).toBeLessThanOrEqual(1);
  });

  it('each user costs exactly two Bytemark calls (v1 and v4) when no pagination is needed', () => {
    expect(result.phases.ours.bytemarkCallsPerUser).toBe(2);
    expect(result.phases.baseline.bytemarkCallsPerUser).toBe(2);
  });

  it('reports a positive rate for every phase, the ratios and the worker memory', () => {
    for (const phase of Object.values(result.phases)) expect(phase.usersPerSecond).toBeGreaterThan(0);
    expect(result.ratios.speedupOverBaseline).toBeGreaterThan(0);
    expect(result.ratios.rateLimitCeilingUsersPerSecond).toBe(result.options.rate / 2);
    expect(result.phases.ours.workerPeakRssMb).toBeGreaterThan(0);
    expect(result.phases.ours.historyEventsPerUser).toBeGreaterThan(0);
  });
});
