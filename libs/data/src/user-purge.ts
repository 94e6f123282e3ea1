import type { QuarantineRepository } from './cache/quarantine.repository';
import type { TicketCacheStateRepository } from './cache/ticket-cache-state.repository';
import type { TicketCacheRepository } from './cache/ticket-cache.repository';
import type { TicketLogRepository } from './cache/ticket-log.repository';
import type { UserTombstone, UserTombstonesRepository } from './user-tombstones.repository';

/** What one pass of a purge removed (or, for a preview, would remove). */
export interface PurgedData {
  /** The cache document (`bytemark_tickets_cache`). */
  cacheDocument: boolean;
  /** Audit entries (`bytemark_tickets_log`). */
  auditEntries: number;
  /** Effects set aside (`bytemark_tickets_cache_quarantine`): audit entries that could not be written. */
  quarantined: number;
  /** The refresh state row (`bytemark_ticket_cache_state`): the user's schedule, hashes and counts. */
  schedulingState: boolean;
}

export interface UserPurgeDeps {
  tombstones: UserTombstonesRepository;
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
  quarantine: QuarantineRepository;
  states: TicketCacheStateRepository;
}

/**
 * A deleted rider's ticket data, across both databases (domain §6 decision 21, `purgeUserCache`).
 * The tombstone is written first, then the data is removed: a refresh that writes after the removal
 * sees the tombstone in its own check after writing and removes what it wrote, and one that wrote
 * before it is undone by the removal. The platform's `bytemark_tokens` row is not ours and stays.
 */
export class UserPurge {
  constructor(private readonly deps: UserPurgeDeps) {}

  /** Tombstones the user, then removes its data. Safe to repeat: a second pass removes what a racing refresh left. */
  async purge(p: { userId: number; purgeRef: string }): Promise<{ tombstone: UserTombstone; removed: PurgedData }> {
    const tombstone = await this.deps.tombstones.write(p);
    return { tombstone, removed: await this.removeData(p.userId) };
  }

  /** Removes the user's cache document, audit entries, quarantined effects and refresh state (no tombstone). */
  async removeData(userId: number): Promise<PurgedData> {
    const f = { userId };
    // The document first: it holds the pending effects a later refresh would otherwise finish (write).
    const cacheDocument = await this.deps.cache.deleteByUserId(f);
    const auditEntries = await this.deps.logs.deleteByUserId(f);
    const quarantined = await this.deps.quarantine.deleteByUserId(f);
    const schedulingState = await this.deps.states.delete(userId);
    return { cacheDocument, auditEntries, quarantined, schedulingState };
  }

  /** What a purge would remove now, and the tombstone if the user was purged before; changes nothing. */
  async preview(userId: number): Promise<{ tombstone: UserTombstone | null; present: PurgedData }> {
    const f = { userId };
    const [tombstone, cacheDocument, auditEntries, quarantined, state] = await Promise.all([
      this.deps.tombstones.find(userId),
      this.deps.cache.exists(f),
      this.deps.logs.countByUserId(f),
      this.deps.quarantine.countByUserId(f),
      this.deps.states.find(userId),
    ]);
    return { tombstone, present: { cacheDocument, auditEntries, quarantined, schedulingState: state !== null } };
  }
}
