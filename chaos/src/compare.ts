/**
 * Compares what the campaign's databases hold with what the clean reference run computed (pure).
 * Audit entries are compared by content (user, list, action, pass, payload hash), not by `_id`: ids
 * name the refresh that wrote them, and two refreshes logging the same change is the duplicate to find.
 * Free-ticket rows are compared by user and note (the note names the set of passes).
 */

/** The fields of an audit entry that say which change it records. */
export interface AuditEntryKey {
  user_id: number;
  source: string;
  action: string;
  uuid: string;
  payload_hash: string;
}

export interface FreeTicketRowKey {
  user_id: number;
  note: string | null;
}

export function auditKey(e: AuditEntryKey): string {
  return [e.user_id, e.source, e.action, e.uuid, e.payload_hash].join('|');
}

export function freeTicketKey(r: FreeTicketRowKey): string {
  return `${r.user_id}|${r.note ?? ''}`;
}

/** The user id a key starts with. */
export function keyUser(key: string): number {
  return Number(key.slice(0, key.indexOf('|')));
}

export interface Comparison {
  expected: number;
  actual: number;
  /** Expected records not found (once per missing copy). */
  missing: string[];
  /** Extra copies of expected records. */
  duplicated: string[];
  /** Records the clean run did not write at all. */
  unexpected: string[];
}

export function compareRecords(expected: readonly string[], actual: readonly string[]): Comparison {
  const count = (keys: readonly string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const want = count(expected);
  const have = count(actual);
  const result: Comparison = {
    expected: expected.length,
    actual: actual.length,
    missing: [],
    duplicated: [],
    unexpected: [],
  };
  for (const [key, e] of want) {
    const a = have.get(key) ?? 0;
    for (let i = a; i < e; i++) result.missing.push(key);
    for (let i = e; i < a; i++) result.duplicated.push(key);
  }
  for (const [key, a] of have) {
    if (!want.has(key)) for (let i = 0; i < a; i++) result.unexpected.push(key);
  }
  return result;
}

/** The users a list of keys names, without repeats, ascending. */
export function usersOf(keys: readonly string[]): number[] {
  return [...new Set(keys.map(keyUser))].sort((a, b) => a - b);
}
