/** Failures grouped by type, for one alert instead of one per user. */
export interface FailureDigest {
  total: number;
  byType: Record<string, { count: number; alert: boolean; userIds: number[] }>;
}

/** User ids kept per failure type (all are counted). */
const IDS_PER_TYPE = 5;

export function emptyDigest(): FailureDigest {
  return { total: 0, byType: {} };
}

export function addFailure(
  digest: FailureDigest,
  f: { userId: number; type: string; alert: boolean },
  count = 1,
): void {
  digest.total += count;
  const entry = (digest.byType[f.type] ??= { count: 0, alert: false, userIds: [] });
  entry.count += count;
  entry.alert ||= f.alert;
  if (entry.userIds.length < IDS_PER_TYPE) entry.userIds.push(f.userId);
}

export function mergeDigest(into: FailureDigest, from: FailureDigest): void {
  into.total += from.total;
  for (const [type, entry] of Object.entries(from.byType)) {
    const target = (into.byType[type] ??= { count: 0, alert: false, userIds: [] });
    target.count += entry.count;
    target.alert ||= entry.alert;
    for (const id of entry.userIds) if (target.userIds.length < IDS_PER_TYPE) target.userIds.push(id);
  }
}

/** `BytemarkUnavailableError: 30 (users 1, 2, 3, 4, 5, …); TokenDecryptionError: 7 (…)`, biggest first. */
export function describeDigest(digest: FailureDigest): string {
  return Object.entries(digest.byType)
    .sort(([, a], [, b]) => b.count - a.count)
    .map(([type, e]) => `${type}: ${e.count} (users ${e.userIds.join(', ')}${e.count > e.userIds.length ? ', …' : ''})`)
    .join('; ');
}
