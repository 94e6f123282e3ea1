import { ISO_DATE_TIME_EXAMPLE, parseIsoDateTime } from './iso-date-time';

/** The largest value of MySQL's INT UNSIGNED (`bytemark_pass_id`). */
export const MAX_PASS_ID = 4_294_967_295;
export const MAX_USER_ID_LENGTH = 256;
/** Clock skew tolerated for `loggedOn`; anything later is a bad timestamp. */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;

/** A row ready for `hntb_bytemark_pass`: `loggedOn` is a UTC `YYYY-MM-DD HH:mm:ss` string. */
export interface PassInteractionRow {
  bytemarkPassId: number;
  userId: string;
  loggedOn: string;
}

export type Validated = { ok: true; row: PassInteractionRow } | { ok: false; reason: string };

/** `Date` → MySQL DATETIME in UTC, second precision. */
export function toUtcDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Checks one interaction at the edge: pass id a positive integer within INT UNSIGNED, user id a
 * non-empty string of at most 256 characters, `loggedOn` an ISO-8601 date-time string with a time
 * zone designator (`2025-03-13T02:37:54Z`, `...-05:00`), stored in UTC to the second, no more than a
 * day ahead; absent (or null), it defaults to `now`. Numbers are refused: seconds and milliseconds
 * since the epoch cannot be told apart, and a mix-up stores a date in 1970. The reason names the
 * field and the rule, never guesses a fix.
 */
export function validatePassInteraction(input: unknown, now: Date = new Date()): Validated {
  if (typeof input !== 'object' || input === null) return { ok: false, reason: 'row is not an object' };
  const { bytemarkPassId, userId, loggedOn } = input as Record<string, unknown>;
  if (typeof bytemarkPassId !== 'number' || !Number.isInteger(bytemarkPassId) || bytemarkPassId <= 0) {
    return { ok: false, reason: `bytemarkPassId must be a positive integer (got ${describe(bytemarkPassId)})` };
  }
  if (bytemarkPassId > MAX_PASS_ID) {
    return { ok: false, reason: `bytemarkPassId ${bytemarkPassId} exceeds INT UNSIGNED (${MAX_PASS_ID})` };
  }
  if (typeof userId !== 'string' || userId.trim() === '') {
    return { ok: false, reason: `userId must be a non-empty string (got ${describe(userId)})` };
  }
  if (userId.length > MAX_USER_ID_LENGTH) {
    return { ok: false, reason: `userId is ${userId.length} characters; at most ${MAX_USER_ID_LENGTH}` };
  }
  let date = now;
  if (loggedOn !== undefined && loggedOn !== null) {
    if (typeof loggedOn !== 'string') {
      return {
        ok: false,
        reason:
          `loggedOn must be an ISO-8601 date-time string such as ${ISO_DATE_TIME_EXAMPLE} (got ${describe(loggedOn)})` +
          (typeof loggedOn === 'number' ? '; epoch numbers are refused (seconds or milliseconds?)' : ''),
      };
    }
    const parsed = parseIsoDateTime(loggedOn);
    if (!parsed.ok) return { ok: false, reason: `loggedOn ${describe(loggedOn)} ${parsed.reason}` };
    date = parsed.date;
    if (date.getTime() > now.getTime() + MAX_FUTURE_MS) {
      return { ok: false, reason: `loggedOn ${date.toISOString()} is more than a day in the future` };
    }
  }
  return { ok: true, row: { bytemarkPassId, userId, loggedOn: toUtcDatetime(date) } };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return `the number ${value}`;
  if (value instanceof Date) return 'a Date object';
  return typeof value === 'object' ? (value === null ? 'null' : 'an object') : `a ${typeof value}`;
}
