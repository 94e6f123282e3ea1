import { MAX_PASS_ID, validatePassInteraction } from './pass-interaction.validation';

describe('validatePassInteraction', () => {
  const now = new Date('2025-06-01T00:00:00Z');

  it('accepts the largest unsigned INT pass id and a 256-character user id', () => {
    expect(validatePassInteraction({ bytemarkPassId: MAX_PASS_ID, userId: 'u'.repeat(256) }, now)).toMatchObject({
      ok: true,
    });
  });

  it('stores an ISO-8601 loggedOn in UTC to the second, and a missing one as now', () => {
    expect(
      validatePassInteraction({ bytemarkPassId: 1, userId: 'u', loggedOn: '2025-03-13T02:37:54.987-05:00' }, now),
    ).toEqual({
      ok: true,
      row: { bytemarkPassId: 1, userId: 'u', loggedOn: '2025-03-13 07:37:54' },
    });
    expect(validatePassInteraction({ bytemarkPassId: 1, userId: 'u', loggedOn: null }, now)).toEqual({
      ok: true,
      row: { bytemarkPassId: 1, userId: 'u', loggedOn: '2025-06-01 00:00:00' },
    });
  });

  it('refuses a fractional pass id, a numeric user id and a date a week ahead, naming the field', () => {
    expect(validatePassInteraction({ bytemarkPassId: 1.5, userId: 'u' }, now)).toEqual({
      ok: false,
      reason: expect.stringContaining('bytemarkPassId'),
    });
    expect(validatePassInteraction({ bytemarkPassId: 1, userId: 7 }, now)).toEqual({
      ok: false,
      reason: expect.stringContaining('userId'),
    });
    expect(validatePassInteraction({ bytemarkPassId: 1, userId: 'u', loggedOn: '2025-06-08T00:00:00Z' }, now)).toEqual({
      ok: false,
      reason: expect.stringContaining('future'),
    });
  });

  it('refuses a numeric loggedOn, saying that seconds and milliseconds cannot be told apart', () => {
    for (const loggedOn of [1_741_833_474, 1_741_833_474_000, 0]) {
      expect(validatePassInteraction({ bytemarkPassId: 1, userId: 'u', loggedOn }, now)).toEqual({
        ok: false,
        reason: `loggedOn must be an ISO-8601 date-time string such as 2025-03-13T02:37:54Z (got the number ${loggedOn}); epoch numbers are refused (seconds or milliseconds?)`,
      });
    }
  });

  it('refuses a Date object, a boolean and an empty string as loggedOn', () => {
    for (const loggedOn of [new Date('2025-03-13T00:00:00Z'), true, '']) {
      expect(validatePassInteraction({ bytemarkPassId: 1, userId: 'u', loggedOn }, now)).toEqual({
        ok: false,
        reason: expect.stringMatching(/^loggedOn .*ISO-8601/),
      });
    }
  });
});
