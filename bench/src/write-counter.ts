/**
 * Counts MongoDB writes per user by wrapping the repositories' write methods (each is one write
 * command). Used in the "ours" worker process and around the baseline job, so both are counted the
 * same way.
 */
import type { TicketCacheRepository, TicketLogRepository } from '@btc/data';

export type WriteCounts = Record<number, number>;

export interface CountedRepositories {
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
}

export function countMongoWrites(repos: CountedRepositories): WriteCounts {
  const counts: WriteCounts = {};
  const add = (userId: number) => (counts[userId] = (counts[userId] ?? 0) + 1);
  const { cache, logs } = repos;

  const commit = cache.commit.bind(cache);
  cache.commit = async (f, doc, cas) => {
    add(f.userId);
    return commit(f, doc, cas);
  };
  const touch = cache.touch.bind(cache);
  cache.touch = async (f, p) => {
    add(f.userId);
    return touch(f, p);
  };
  const clearPending = cache.clearPending.bind(cache);
  cache.clearPending = async (f, p) => {
    add(f.userId);
    return clearPending(f, p);
  };
  const insertMany = logs.insertMany.bind(logs);
  logs.insertMany = async (f, entries) => {
    if (entries.length > 0) add(f.userId); // the repository sends nothing for an empty list
    return insertMany(f, entries);
  };
  return counts;
}
