import type { UserRefreshInput } from '@btc/workflows';
import { refreshLogEntry } from './refresh-log-line';

const input: UserRefreshInput = { userId: 1234, mode: 'check', trigger: 'hourly', refreshId: 'r1' };

describe('refreshLogEntry', () => {
  it('says in one line who was refreshed, the outcome, the pass counts, new free tickets and the duration', () => {
    const entry = refreshLogEntry(
      input,
      {
        outcome: 'updated',
        created: 3,
        updated: 1,
        removed: 0,
        unchanged: 10,
        newFreeTickets: 2,
        cacheAgeBefore: 3600,
      },
      412,
    );
    expect(entry.message).toBe('refresh user 1234 updated: +3 ~1 -0, 2 free, 412 ms');
    expect(entry.fields).toEqual({
      userId: 1234,
      summary: {
        outcome: 'updated',
        created: 3,
        updated: 1,
        removed: 0,
        unchanged: 10,
        newFreeTickets: 2,
        trigger: 'hourly',
        mode: 'check',
        durationMs: 412,
      },
    });
  });

  it('a failed attempt names the error type and the attempt, never the error message', () => {
    const entry = refreshLogEntry(input, { failed: 'BytemarkUnavailableError', attempt: 2 }, 5012);
    expect(entry.message).toBe('refresh user 1234 failed (BytemarkUnavailableError), attempt 2, 5012 ms');
    expect(entry.fields).toMatchObject({
      userId: 1234,
      summary: { outcome: 'failed', errorType: 'BytemarkUnavailableError' },
    });
  });
});
