import { parseIsoDateTime } from './iso-date-time';

const iso = (value: string) => {
  const parsed = parseIsoDateTime(value);
  return parsed.ok ? parsed.date.toISOString() : parsed.reason;
};

describe('parseIsoDateTime', () => {
  it('reads UTC and offset date-times as the same instant, to the millisecond', () => {
    expect(iso('2025-03-13T07:37:54Z')).toBe('2025-03-13T07:37:54.000Z');
    expect(iso('2025-03-13T02:37:54-05:00')).toBe('2025-03-13T07:37:54.000Z');
    expect(iso('2025-03-13T08:37:54+01')).toBe('2025-03-13T07:37:54.000Z');
    expect(iso('2025-03-13T13:07:54.123456+05:30')).toBe('2025-03-13T07:37:54.123Z');
    expect(iso('2025-03-13T07:37Z')).toBe('2025-03-13T07:37:00.000Z');
    expect(iso('2024-02-29T23:59:59Z')).toBe('2024-02-29T23:59:59.000Z');
  });

  it('refuses a date-time without a time zone instead of guessing one', () => {
    expect(iso('2025-03-13T02:37:54')).toMatch(/no time zone designator/);
    expect(iso('2025-03-13T02:37:54.5')).toMatch(/no time zone designator/);
  });

  it.each([
    ['epoch seconds', '1741833474'],
    ['epoch milliseconds', '1741833474000'],
    ['a date only', '2025-03-13'],
    ['a space instead of T', '2025-03-13 02:37:54Z'],
    ['RFC 2822', 'Thu, 13 Mar 2025 02:37:54 GMT'],
    ['a basic-format offset', '2025-03-13T02:37:54+0100'],
    ['an empty string', ''],
  ])('refuses %s', (_what, value) => {
    expect(parseIsoDateTime(value)).toEqual({ ok: false, reason: expect.stringMatching(/not an ISO-8601 date-time/) });
  });

  it('refuses impossible calendar dates, times and offsets', () => {
    expect(iso('2025-02-29T00:00:00Z')).toMatch(/not a calendar date/);
    expect(iso('2025-04-31T00:00:00Z')).toMatch(/not a calendar date/);
    expect(iso('2025-03-13T24:00:00Z')).toMatch(/time of day out of range/);
    expect(iso('2025-03-13T23:59:60Z')).toMatch(/time of day out of range/);
    expect(iso('2025-03-13T00:00:00+24:00')).toMatch(/offset out of range/);
  });

  it('refuses years DATETIME cannot store', () => {
    expect(iso('0999-12-31T23:59:59Z')).toMatch(/before 1000/);
    expect(iso('1000-01-01T00:30:00+01:00')).toMatch(/before year 1000 in UTC/);
  });
});
