import type { RefreshMode } from './types';

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

/** A caller asks the user's refresh to fetch (again, if one is running) and answer from that fetch. */
export interface RefreshRequest {
  mode: RefreshMode;
  /**
   * Set by a caller that waits for the answer and asks again when its id is not in
   * `answeredRequests`. A request without one (a caller that does not wait) is never left unfetched.
   */
  requestId?: string;
  /** The requester's priority (`PRIORITY`): the next fetch runs at the highest asked for, so a rider never waits behind the queue. */
  priorityKey?: number;
  /**
   * Pending refresh-log rows (type 1 or due type 3) the queue hands to this run instead of waiting
   * for it to end: marked processed once a fetch that started after them has committed.
   */
  queueRowIds?: number[];
}

/** What a run has been asked since its current fetch started, and how its next fetch runs. */
export interface RunRequests {
  /** The strongest mode asked for so far (`build` > `check` > `if-stale`): a request never gets less than it asked for. */
  mode: RefreshMode;
  /** The highest priority asked for so far (the lowest key). */
  priorityKey: number;
  /** Ids of the waiting callers' requests. */
  requestIds: string[];
  /** Queue rows handed to the run. */
  rowIds: number[];
  /** A request without an id (its caller will not ask again). */
  unnamed: boolean;
}

const STRENGTH: Record<RefreshMode, number> = { 'if-stale': 0, check: 1, build: 2 };

export function runRequests(mode: RefreshMode, priorityKey: number): RunRequests {
  return { mode, priorityKey, requestIds: [], rowIds: [], unnamed: false };
}

/** Takes a request in (the signal handler). */
export function receive(r: RunRequests, request: RefreshRequest): void {
  if (request.requestId) r.requestIds.push(request.requestId);
  else if (!request.queueRowIds) r.unnamed = true;
  r.rowIds.push(...(request.queueRowIds ?? []));
  if (STRENGTH[request.mode] > STRENGTH[r.mode]) r.mode = request.mode;
  if (request.priorityKey !== undefined) r.priorityKey = Math.min(r.priorityKey, request.priorityKey);
}

/** A fetch starts: it answers every request received so far, which it returns; the next ones are counted afresh. */
export function startFetch(r: RunRequests): { requestIds: string[]; rowIds: number[] } {
  const answered = { requestIds: r.requestIds, rowIds: r.rowIds };
  r.requestIds = [];
  r.rowIds = [];
  r.unnamed = false;
  return answered;
}

/** After a fetch: fetch again, stop (the result names what was answered), or stop and hand the rest to the queue. */
export type NextStep = 'fetch' | 'stop' | 'hand-off';

/**
 * The run's loop decision, a pure function of the fetches made so far (the last one included) and
 * what arrived during the last one: waiting callers and queue rows are fetched for up to
 * `MAX_FETCHES_PER_RUN`, a request nobody waits for up to `MAX_FETCHES_FOR_UNNAMED_REQUESTS`.
 */
export function nextStep(fetches: number, during: RunRequests): NextStep {
  if (during.unnamed) return fetches < MAX_FETCHES_FOR_UNNAMED_REQUESTS ? 'fetch' : 'hand-off';
  const named = during.requestIds.length + during.rowIds.length;
  return named > 0 && fetches < MAX_FETCHES_PER_RUN ? 'fetch' : 'stop';
}
