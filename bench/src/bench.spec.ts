import { runBenchmark, type BenchmarkResult } from './run-benchmark';

describe('npm run bench -- --quick', () => {
  let result: BenchmarkResult;

  beforeAll(async () => {
    result = await runBenchmark({ quick: true }, () => undefined);
  }, 300_000);

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

  it('the on-demand phase answers every rider idle and during a sweep that spends the limit', () => {
    const d = result.onDemand!;
    expect(d.idle.requests).toBe(result.options.onDemandRequests);
    expect(d.duringSweep.requests).toBe(result.options.onDemandRequests);
    expect(d.sweepEndedEarly).toBe(false);
    expect(d.callsPerRiderRefresh).toBe(2);
    expect(d.sweepCallsPerSecond).toBeGreaterThan(0);
    expect(d.peakCallsPerSecond).toBeLessThanOrEqual(d.rateLimit);
  });

  it('two worker processes share one rate limit: no second sees more calls than it', () => {
    expect(result.options.workers).toBe(2);
    expect(result.phases.ours.bytemarkPeakCallsPerSecond).toBeLessThanOrEqual(result.options.rate);
  });

  it('Temporal does a batch activity per user: under 2 billable actions each, amortised over every workflow', () => {
    // With 20 users the sweep's own events weigh more than at 500 (≈3.8 per user there).
    expect(result.phases.ours.actionsPerUser).toBeLessThanOrEqual(2);
    expect(result.phases.ours.historyEventsPerUser).toBeLessThan(10);
    expect(result.phases.ours.detail['workflowTypes']).toEqual({
      refreshAllTicketCachesWorkflow: 1,
      refreshTicketCacheBatchWorkflow: 2,
    });
  });

  it('reports a positive rate for every phase, the speedup, the ratios and the worker memory', () => {
    for (const phase of Object.values(result.phases)) expect(phase.usersPerSecond).toBeGreaterThan(0);
    expect(result.speedup).toBe(result.ratios.speedupOverBaseline);
    expect(result.speedup).toBeGreaterThan(0);
    expect(result.ratios.rateLimitCeilingUsersPerSecond).toBe(result.options.rate / 2);
    expect(result.phases.ours.workerPeakRssMb).toBeGreaterThan(0);
  });
});
