import {
  MAX_FETCHES_FOR_UNNAMED_REQUESTS,
  MAX_FETCHES_PER_RUN,
  nextStep,
  receive,
  runRequests,
  startFetch,
  type RefreshRequest,
} from './refresh-loop';

/** What a run has received during its last fetch, from these requests. */
function during(...requests: RefreshRequest[]) {
  const r = runRequests('check', 3);
  for (const request of requests) receive(r, request);
  return r;
}

const waiting = (requestId: string): RefreshRequest => ({ mode: 'check', requestId });
const unnamed: RefreshRequest = { mode: 'check' };
const rows = (...queueRowIds: number[]): RefreshRequest => ({ mode: 'check', queueRowIds });

describe('the per-user run loop', () => {
  it('stops after a fetch during which nobody asked', () => {
    expect(nextStep(1, during())).toBe('stop');
  });

  it('fetches again for a caller who asked during the fetch, up to the cap, then stops (the caller asks again)', () => {
    expect(nextStep(1, during(waiting('a'), waiting('b')))).toBe('fetch');
    expect(nextStep(MAX_FETCHES_PER_RUN - 1, during(waiting('a')))).toBe('fetch');
    expect(nextStep(MAX_FETCHES_PER_RUN, during(waiting('a')))).toBe('stop');
  });

  it('fetches again for queue rows handed over during the fetch, under the same cap as waiting callers', () => {
    expect(nextStep(1, during(rows(7)))).toBe('fetch');
    expect(nextStep(MAX_FETCHES_PER_RUN, during(rows(7)))).toBe('stop');
  });

  it('a request nobody waits for gets its fetch up to the higher cap, then goes to the queue', () => {
    expect(nextStep(MAX_FETCHES_PER_RUN, during(unnamed))).toBe('fetch');
    expect(nextStep(MAX_FETCHES_FOR_UNNAMED_REQUESTS - 1, during(unnamed, waiting('a')))).toBe('fetch');
    expect(nextStep(MAX_FETCHES_FOR_UNNAMED_REQUESTS, during(unnamed))).toBe('hand-off');
    expect(nextStep(MAX_FETCHES_FOR_UNNAMED_REQUESTS, during(unnamed, waiting('a'), rows(1)))).toBe('hand-off');
  });

  it('queue rows are not a request nobody waits for: they never extend a run past the cap or go back to the queue', () => {
    expect(during(rows(1, 2))).toMatchObject({ unnamed: false, rowIds: [1, 2], requestIds: [] });
    expect(nextStep(MAX_FETCHES_FOR_UNNAMED_REQUESTS, during(rows(1)))).toBe('stop');
  });

  it('a fetch answers every request received before it starts; those received during it are counted for the next', () => {
    const r = during(waiting('a'), rows(1), unnamed);
    expect(startFetch(r)).toEqual({ requestIds: ['a'], rowIds: [1] });
    expect(nextStep(1, r)).toBe('stop');
    receive(r, waiting('b'));
    receive(r, rows(2, 3));
    expect(startFetch(r)).toEqual({ requestIds: ['b'], rowIds: [2, 3] });
    expect(r).toMatchObject({ requestIds: [], rowIds: [], unnamed: false });
  });

  it('the next fetch runs in the strongest mode and at the highest priority asked for so far, never weaker', () => {
    const r = runRequests('if-stale', 5);
    receive(r, { mode: 'build', priorityKey: 1 });
    receive(r, { mode: 'check', priorityKey: 3 });
    expect(r).toMatchObject({ mode: 'build', priorityKey: 1 });
    startFetch(r);
    receive(r, { mode: 'if-stale' });
    expect(r).toMatchObject({ mode: 'build', priorityKey: 1 });
    const check = runRequests('check', 3);
    receive(check, { mode: 'if-stale' });
    expect(check.mode).toBe('check');
  });
});
