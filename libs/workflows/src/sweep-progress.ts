import { emptyDigest } from './failure-digest';
import type { SweepProgress } from './types';

/** A sweep's progress before its first page; `startedAtMs` is workflow time. */
export function emptySweepProgress(startedAtMs: number): SweepProgress {
  return {
    usersSeen: 0,
    skippedFresh: 0,
    due: 0,
    refreshed: {},
    failed: 0,
    inFlight: 0,
    batches: 0,
    runs: 1,
    failedUserIds: [],
    failures: emptyDigest(),
    notReached: 0,
    authBackoff: {},
    authFailedUserIds: [],
    startedAtMs,
    stoppedBy: null,
    rateLimitRps: 0,
    leftOver: null,
    neededRateLimitRps: null,
  };
}
