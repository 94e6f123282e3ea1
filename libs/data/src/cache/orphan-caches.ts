import { QueryTypes, type Sequelize } from 'sequelize';
import { BYTEMARK_TOKENS_TABLE } from '../tokens/bytemark-tokens.model';
import type { TicketCacheStateRepository } from './ticket-cache-state.repository';
import type { CacheTimestamp, TicketCacheRepository } from './ticket-cache.repository';

/** How long a cache whose user has no `bytemark_tokens` row is kept after its last refresh, by default. */
export const DEFAULT_ORPHAN_GRACE_SECONDS = 7 * 24 * 3600;

/** An orphaned cache: its user has no `bytemark_tokens` row. */
export interface OrphanCache extends CacheTimestamp {
  /** Seconds since the document was last written. */
  ageSeconds: number;
}

export interface OrphanCacheReport {
  execute: boolean;
  graceSeconds: number;
  /** Cache documents read. */
  scanned: number;
  /** Documents of the original platform not yet re-keyed (`cache adopt-legacy`): not looked at. */
  unadopted: number;
  /** Orphans written longer than the grace period ago: deleted with `execute`, listed without. */
  pastGrace: OrphanCache[];
  /** Orphans within the grace period: kept. */
  withinGrace: number;
  deleted: number;
  /** Past grace when read, written since (a refresh, a new token row): kept. */
  changedMeanwhile: number;
}

/**
 * Caches of users the platform no longer knows (no `bytemark_tokens` row: no refresh can reach them)
 * are removed once their last write is older than a grace period, so a token row deleted and written
 * again (an account re-linked) within it costs nothing. Each removal is conditional on the document
 * being as read, and takes the user's refresh state with it. A dry run (`execute: false`) only lists.
 */
export class OrphanCaches {
  constructor(
    private readonly deps: { sequelize: Sequelize; cache: TicketCacheRepository; states: TicketCacheStateRepository },
  ) {}

  async run(p: {
    execute: boolean;
    graceSeconds: number;
    now: number;
    batchSize?: number;
  }): Promise<OrphanCacheReport> {
    if (!Number.isSafeInteger(p.graceSeconds) || p.graceSeconds < 0) {
      throw new RangeError(`the grace period must be a whole number of seconds, 0 or more, got ${p.graceSeconds}`);
    }
    const report: OrphanCacheReport = {
      execute: p.execute,
      graceSeconds: p.graceSeconds,
      scanned: 0,
      unadopted: 0,
      pastGrace: [],
      withinGrace: 0,
      deleted: 0,
      changedMeanwhile: 0,
    };
    // The whole list first, then the deletions: the scan's cursor never sees its own removals.
    for await (const { caches, unadopted } of this.deps.cache.scanTimestamps(p.batchSize)) {
      report.scanned += caches.length + unadopted;
      report.unadopted += unadopted;
      const known = await this.usersWithTokenRow(caches.map((c) => c.userId));
      for (const c of caches) {
        if (known.has(c.userId)) continue;
        const ageSeconds = p.now - c.timestamp;
        if (ageSeconds >= p.graceSeconds) report.pastGrace.push({ ...c, ageSeconds });
        else report.withinGrace++;
      }
    }
    if (!p.execute) return report;
    for (const orphan of report.pastGrace) {
      if (await this.deps.cache.deleteIfUntouched({ userId: orphan.userId }, { timestamp: orphan.timestamp })) {
        await this.deps.states.delete(orphan.userId);
        report.deleted++;
      } else {
        report.changedMeanwhile++;
      }
    }
    return report;
  }

  private async usersWithTokenRow(userIds: number[]): Promise<Set<number>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.deps.sequelize.query<{ user_id: number }>(
      `SELECT user_id FROM ${BYTEMARK_TOKENS_TABLE} WHERE user_id IN (?)`,
      { replacements: [userIds], type: QueryTypes.SELECT },
    );
    return new Set(rows.map((r) => Number(r.user_id)));
  }
}
