import { log } from '@temporalio/activity';
import {
  ticketLogChangeId,
  type PassEntry,
  type PendingEffects,
  type RefreshLogRepository,
  type TicketCacheDoc,
  type TicketCacheRepository,
  type TicketLogEntry,
  type TicketLogRepository,
} from '@btc/data';
import type { PassChange } from './reconcile-passes';

export interface PendingEffectsDeps {
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
  refreshLog: RefreshLogRepository;
}

type AuditEntry = TicketLogEntry & { _id: string };

/**
 * Writes what a commit left to do (its audit entries, its free-ticket queue row), then clears it
 * from the document. Every write is idempotent (audit entries under deterministic ids, the free-ticket
 * row once per user and set of passes), so finishing twice (a retry, a concurrent refresh) writes once.
 */
export async function finishPendingEffects(deps: PendingEffectsDeps, doc: TicketCacheDoc): Promise<void> {
  const { pending, user_id: userId } = doc;
  if (!pending) return;
  await deps.logs.insertMany({ userId }, toAuditEntries({ userId, ...pendingChanges(doc, pending) }));
  if (pending.new_free.length > 0) {
    await deps.refreshLog.recordFreeTickets({ userId, passUuids: pending.new_free });
    log.info('New free tickets detected; queued the reward notification', { userId, passes: pending.new_free.length });
  }
  await deps.cache.clearPending({ userId }, { refreshId: pending.refresh_id });
}

/** The pending changes with their entries, found in the committed document. */
function pendingChanges(doc: TicketCacheDoc, pending: PendingEffects) {
  const bySource = {
    passes: new Map(doc.passes.map((e) => [e.pass_uuid, e] as const)),
    passes4: new Map(doc.passes4.map((e) => [e.pass_uuid, e] as const)),
  };
  const changes: PassChange[] = [];
  for (const { source, action, uuid } of pending.changes) {
    const entry: PassEntry | undefined = bySource[source].get(uuid);
    if (entry) changes.push({ source, action, entry });
    else
      log.warn('A pending audit entry names a pass the document does not hold; skipped', { userId: doc.user_id, uuid });
  }
  return { refreshId: pending.refresh_id, now: pending.timestamp, changes };
}

/** One `bytemark_tickets_log` entry per change, under a deterministic id: writing it again stores it once. */
export function toAuditEntries(p: {
  userId: number;
  refreshId: string;
  now: number;
  changes: PassChange[];
}): AuditEntry[] {
  return p.changes.map(({ source, action, entry }) => ({
    _id: ticketLogChangeId({ refreshId: p.refreshId, source, uuid: entry.pass_uuid, payloadHash: entry.payload_hash }),
    user_id: p.userId,
    timestamp: p.now,
    uuid: entry.pass_uuid,
    status: entry.status,
    source,
    action,
    payload: entry.payload,
    payload_hash: entry.payload_hash,
  }));
}
