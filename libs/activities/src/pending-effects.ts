import { log } from '@temporalio/activity';
import {
  PayloadKeyError,
  classifyDatabaseError,
  databaseErrorCode,
  ticketLogChangeId,
  type QuarantineRepository,
  type PassEntry,
  type PendingEffects,
  type RefreshLogRepository,
  type TicketCacheDoc,
  type TicketCacheRepository,
  type TicketLogEntry,
  type TicketLogRepository,
} from '@btc/data';
import type { PassChange } from './reconcile-passes';

/** Where effects that can never be written go, and who is told. */
export interface QuarantineDeps {
  quarantine: QuarantineRepository;
  /** Posts an operator alert (Slack); a failure to post never stops the refresh. */
  alertOperators?: (text: string) => Promise<unknown>;
}

export interface PendingEffectsDeps extends QuarantineDeps {
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
  refreshLog: RefreshLogRepository;
}

/** MongoDB refusing a document for its content (too large, a bad key): writing it again fails the same way. */
const UNWRITABLE_MONGO_CODES: ReadonlySet<number> = new Set([2, 52, 55, 57, 10334, 17280]);

/**
 * Whether an effect can never be written as it is, whatever the retries: a value the column cannot
 * hold (a 4-byte character in an adopted latin1 `note`, a string too long), a document MongoDB refuses.
 */
export function isUnwritable(error: unknown): boolean {
  if (error instanceof PayloadKeyError) return true;
  if (classifyDatabaseError(error) === 'row-data') return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (error as Error | null)?.name === 'MongoServerError' && typeof code === 'number' && UNWRITABLE_MONGO_CODES.has(code)
  );
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
  try {
    await deps.logs.insertMany({ userId }, toAuditEntries({ userId, ...pendingChanges(doc, pending) }));
    if (pending.new_free.length > 0) {
      await deps.refreshLog.recordFreeTickets({ userId, passUuids: pending.new_free });
      log.info('New free tickets detected; queued the reward notification', {
        userId,
        passes: pending.new_free.length,
      });
    }
  } catch (error) {
    if (!isUnwritable(error)) throw error;
    await quarantine(deps, userId, pending, error);
  }
  await deps.cache.clearPending({ userId }, { refreshId: pending.refresh_id });
}

/**
 * Moves effects that can never be written out of the document (into the quarantine, with why) and
 * alerts once, so the user's cache is not frozen by them: every later refresh would fail on them first.
 */
async function quarantine(
  deps: PendingEffectsDeps,
  userId: number,
  pending: PendingEffects,
  error: unknown,
): Promise<void> {
  const { code, errno, errorName } = databaseErrorCode(error);
  const reason = `${errorName}${code ? ` ${code}` : ''}${errno !== null ? ` (errno ${errno})` : ''}`;
  const first = await deps.quarantine.put({ userId, pending, reason });
  log.error('Pending effects can never be written as they are; moved to the quarantine', { userId, reason });
  if (!first || !deps.alertOperators) return;
  const what = `${pending.changes.length} audit entries${pending.new_free.length > 0 ? ` and a free-ticket row for ${pending.new_free.length} passes` : ''}`;
  await deps
    .alertOperators(
      `Bytemark ticket cache: the effects of a refresh of user ${userId} (${what}) cannot be written (${reason}) and were ` +
        'moved to the quarantine; the user refreshes on. `npm run cli -- cache quarantine` lists them.',
    )
    .catch((alertError: unknown) =>
      log.warn('The quarantine alert could not be posted', { error: String(alertError) }),
    );
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
