/**
 * Counts MongoDB writes per user by wrapping the repositories' write methods (every one of them is
 * one write command, except staging puts of large lists, which are counted as one). Used in the
 * "ours" worker process and around the baseline job, so both are counted the same way.
 */
import type { StagingRepository, TicketCacheRepository, TicketLogRepository } from '@btc/data';

export type WriteCounts = Record<number, number>;

export interface CountedRepositories {
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
  staging?: StagingRepository;
}

/** Staging keys start with the per-user workflow id, `bytemark-ticket-cache-<userId>/...`. */
function userOfStagingKey(key: string): number {
  const match = /^bytemark-ticket-cache-(\d+)\//.exec(key);
  return match ? Number(match[1]) : -1;
}

export function countMongoWrites(repos: CountedRepositories): WriteCounts {
  const counts: WriteCounts = {};
  const add = (userId: number) => (counts[userId] = (counts[userId] ?? 0) + 1);
  const { cache, logs, staging } = repos;

  const replace = cache.replace.bind(cache);
  cache.replace = async (f, doc) => {
    add(f.userId);
    return replace(f, doc);
  };
  const touch = cache.touch.bind(cache);
  cache.touch = async (f, p) => {
    add(f.userId);
    return touch(f, p);
  };
  const insertMany = logs.insertMany.bind(logs);
  logs.insertMany = async (f, entries) => {
    if (entries.length > 0) add(f.userId); // the repository sends nothing for an empty list
    return insertMany(f, entries);
  };
  if (staging) {
    const put = staging.put.bind(staging);
    staging.put = async (p) => {
      add(p.userId);
      return put(p);
    };
    const remove = staging.delete.bind(staging);
    staging.delete = async (p) => {
      add(userOfStagingKey(p.key)); // deleteOne (head) + deleteMany (chunks)
      add(userOfStagingKey(p.key));
      return remove(p);
    };
  }
  return counts;
}
