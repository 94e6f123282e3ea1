import type { RefreshOutcome, RefreshSummary } from './types';

export type RefreshCounts = Omit<RefreshSummary, 'outcome' | 'cacheAgeBefore'>;

/** The counts of a refresh that changed nothing or did not get to the cache. */
export const NO_CHANGES: RefreshCounts = { created: 0, updated: 0, removed: 0, unchanged: 0, newFreeTickets: 0 };

export function refreshSummary(
  outcome: RefreshOutcome,
  cacheAgeBefore: number | null,
  counts: RefreshCounts = NO_CHANGES,
): RefreshSummary {
  return { outcome, ...counts, cacheAgeBefore };
}

/** One line for the UI's current details and the logs. */
export function describeRefresh(s: RefreshSummary): string {
  const age = s.cacheAgeBefore === null ? 'never refreshed before' : `last refreshed ${s.cacheAgeBefore} s before`;
  return `${s.outcome}: ${s.created} created, ${s.updated} updated, ${s.removed} removed, ${s.unchanged} unchanged, ${s.newFreeTickets} new free tickets (${age})`;
}
