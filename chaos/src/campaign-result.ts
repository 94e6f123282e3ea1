/** What a campaign reports: per phase, what the sweep left against the clean run; and the faults it fired. */
import type { RefreshQueueResult, SweepProgress } from '@btc/workflows';
import type { FaultTally } from './api-faults';
import type { Comparison } from './compare';
import type { InfraKind } from './fault-plan';
import type { ChaosOptions } from './options';
import type { OpenWorkflow } from './snapshot';

/** Outcomes a user may end a refresh with; anything else (or no refresh at all) is not a defined outcome. */
export const DEFINED_OUTCOMES = ['built', 'updated', 'unchanged', 'failed-auth', 'no-token', 'failed'] as const;
export const NOT_REACHED = 'not reached';

export interface EventRecord {
  kind: InfraKind;
  /** The planned share of the sweep, and the share reached when it fired (null: the sweep finished first). */
  plannedAt: number;
  firedAt: number | null;
  detail: string;
}

export interface FailedUsers {
  userIds: number[];
  /** No audit entry, no free-ticket row, the cache as before. */
  untouched: number;
  /** The cache committed, its audit entries and free-ticket row recorded as pending in it (the next refresh writes them). */
  pendingRecorded: number;
  /** The cache committed and every effect the clean run wrote for the user written (the attempt failed after its work). */
  completed: number;
  /** Some effect written, the rest neither written nor recorded: must be none. */
  partial: number[];
}

/** A run's result, or what stopped it (an error, or the time limit), as text. */
export interface Settled<T> {
  result: T | null;
  error: string | null;
}

export interface PhaseReport {
  name: string;
  durationMs: number;
  sweep: { workflowId: string; progress: SweepProgress | null; error: string | null };
  queue: Settled<RefreshQueueResult>;
  /** Users per outcome (the refresh state's last outcome in this campaign, or `not reached`). */
  outcomes: Record<string, number>;
  /** Users (not refreshed through the queue) whose outcome differs from the clean run's. */
  outcomeMismatches: number[];
  /** Users whose cache (passes, payload hashes, statuses, free flags, announced free tickets) differs from the clean run's. */
  cacheMismatches: number[];
  audit: Comparison;
  /** Of the missing audit entries, those of users whose refresh ended `failed` (to be written by a later refresh). */
  auditMissingOfFailedUsers: number;
  freeTickets: Comparison;
  freeTicketsMissingOfFailedUsers: number;
  failedUsers: FailedUsers;
  /** Caches still recording effects to write. */
  pendingEffects: number;
  openWorkflows: OpenWorkflow[];
  /** Open by design (the on-demand alerts singleton), terminated at cleanup. */
  longLivedWorkflows: OpenWorkflow[];
  staging: number;
  queueRows: Record<string, number>;
  /** Free-ticket pushes: users with a free-ticket row and no push, users pushed twice or more. */
  pushes: { received: number; usersWithoutPush: number[]; usersPushedTwice: number[] };
}

export interface CampaignResult {
  options: ChaosOptions;
  startedAt: string;
  durationMs: number;
  taskQueue: string;
  population: {
    users: number;
    noCache: number;
    changed: number;
    failedAuth: number;
    noToken: number;
    persistentFault: number[];
    queued: number;
    sessionExpired: number;
  };
  reference: { durationMs: number; outcomes: Record<string, number>; auditEntries: number; freeTicketRows: number };
  faults: { api: FaultTally; events: EventRecord[]; workerStarts: number };
  phases: PhaseReport[];
  cleanup: { terminated: number; schedulesDeleted: number };
  /** What missed a target (empty: every target met). */
  problems: string[];
}
