import { RATE_LIMIT_CLI_COMMAND } from './ids';
import { sweepAlert } from './sweep-alert';
import { emptySweepProgress } from './sweep-progress';

describe('the sweep alert', () => {
  const options = { trigger: 'hourly', alertOnFailures: 5, workflowId: 'sweep-1' };

  it("an overloaded sweep's alert carries the numbers and names the CLI command that raises the limit", () => {
    const text = sweepAlert(
      {
        ...emptySweepProgress(0),
        usersSeen: 90_000,
        due: 60_000,
        refreshed: { unchanged: 25_650 },
        notReached: 34_350,
        stoppedBy: 'deadline',
        rateLimitRps: 20,
        leftOver: 34_350,
        neededRateLimitRps: 47,
      },
      options,
    );
    expect(text).toContain('Over capacity: 25650 refreshed, 34350 not reached, 34350 still due');
    expect(text).toContain('At 20 calls/s one sweep cannot refresh 60000 users; about 47 calls/s would');
    expect(text).toContain(`(\`${RATE_LIMIT_CLI_COMMAND} <calls/s>\` if Bytemark allows)`);
    expect(RATE_LIMIT_CLI_COMMAND).toBe('npm run cli -- bytemark rate-limit');
  });

  it('a sweep an operator paused sends no overload alert', () => {
    const paused = { ...emptySweepProgress(0), due: 10, leftOver: 10, stoppedBy: 'paused' as const };
    expect(sweepAlert(paused, options)).toBeNull();
  });
});
