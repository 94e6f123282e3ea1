export type ParsedDateTime = { ok: true; date: Date } | { ok: false; reason: string };

/** `2025-03-13T02:37:54Z`, `2025-03-13T02:37:54.120-05:00`, `2025-03-13T02:37+01:00`, `...+01` (ISO-8601 extended format). */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::(\d{2}))?)$/;

/** An example shown in reasons. */
export const ISO_DATE_TIME_EXAMPLE = '2025-03-13T02:37:54Z';

/**
 * Parses an ISO-8601 date-time that states its time zone (`Z` or `±hh[:mm]`). A string without a zone
 * is refused rather than guessed (the producer's local time or UTC?), as is anything else: numbers
 * (seconds or milliseconds?), RFC 2822 dates, a space instead of `T`, date-only values, impossible
 * calendar dates (`2025-02-30`), hour 24 and leap seconds. Fractions of a second are kept to the ms.
 */
export function parseIsoDateTime(value: string): ParsedDateTime {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) {
    const zoneless = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value);
    return {
      ok: false,
      reason: zoneless
        ? `has no time zone designator; add Z for UTC or an offset such as -05:00`
        : `is not an ISO-8601 date-time such as ${ISO_DATE_TIME_EXAMPLE}`,
    };
  }
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  if (year < 1000) return { ok: false, reason: `year ${y} is before 1000 (outside the DATETIME range)` };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'has a time of day out of range' };
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return { ok: false, reason: `${y}-${mo}-${d} is not a calendar date` };
  }
  let offsetMinutes = 0;
  if (z === undefined) {
    const oHours = Number(oh);
    const oMinutes = om === undefined ? 0 : Number(om);
    if (oHours > 23 || oMinutes > 59) return { ok: false, reason: 'has a time zone offset out of range' };
    offsetMinutes = (sign === '-' ? -1 : 1) * (oHours * 60 + oMinutes);
  }
  const date = new Date(local - offsetMinutes * 60_000);
  if (date.getUTCFullYear() < 1000)
    return { ok: false, reason: 'is before year 1000 in UTC (outside the DATETIME range)' };
  return { ok: true, date };
}
