/**
 * Fetches one run makes for waiting callers (and queue rows) at most. Those whose requests arrive
 * during the last one are not answered by the run: a caller asks again and starts the next run, a
 * queue row stays pending for the queue's next run. So a caller waits a few fetches at most, however
 * often others keep asking for the same user.
 */
export const MAX_FETCHES_PER_RUN = 3;

/**
 * Fetches one run makes at most. A request nobody waits for (no id) arriving during fetch 3 to 5
 * gets its fetch in the run; one arriving during the last goes to the refresh-log queue (a type-1
 * row, refreshed within five minutes, or at once by the user's next request), so that a stream of
 * such requests cannot keep the run, and the callers waiting on it, going.
 */
export const MAX_FETCHES_FOR_UNNAMED_REQUESTS = 6;

/** What arrived while the last fetch ran. */
export interface RequestsDuringFetch {
  /** Fetches made so far, the last one included. */
  fetches: number;
  /** Waiting callers' requests and handed-over queue rows (each answered by a fetch that starts after it). */
  named: number;
  /** A request nobody waits for. */
  unnamed: boolean;
}

/** After a fetch: fetch again, stop (the result names what was answered), or stop and hand the rest to the queue. */
export type NextStep = 'fetch' | 'stop' | 'hand-off';

/** The run's loop decision, a pure function of what arrived during the fetch that just ended. */
export function nextStep(r: RequestsDuringFetch): NextStep {
  if (r.unnamed) return r.fetches < MAX_FETCHES_FOR_UNNAMED_REQUESTS ? 'fetch' : 'hand-off';
  return r.named > 0 && r.fetches < MAX_FETCHES_PER_RUN ? 'fetch' : 'stop';
}
