export interface CachedReadingOptions {
  /** A reading younger than this is served again instead of reading anew. */
  maxAgeMs: number;
  /** Told each failed read (the collector-errors counter and a log line). */
  onError(error: unknown): void;
  now?: () => number;
}

/**
 * A value read at scrape time, at most once per `maxAgeMs` however often Prometheus (or several)
 * scrapes: scrapes in between get the last reading, scrapes during a read share it. A failed read is
 * reported to `onError` and not retried before `maxAgeMs`; meanwhile the last good reading is served
 * (undefined before the first), so a MySQL outage never fails a scrape.
 */
export function cachedReading<T>(read: () => Promise<T>, options: CachedReadingOptions): () => Promise<T | undefined> {
  const now = options.now ?? Date.now;
  let value: T | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<T | undefined> | null = null;
  return () => {
    if (pending) return pending;
    if (now() - readAt < options.maxAgeMs) return Promise.resolve(value);
    readAt = now();
    pending = Promise.resolve()
      .then(read)
      .then(
        (fresh) => (value = fresh),
        (error: unknown) => {
          options.onError(error);
          return value;
        },
      )
      .finally(() => (pending = null));
    return pending;
  };
}
