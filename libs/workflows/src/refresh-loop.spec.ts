import { MAX_FETCHES_FOR_UNNAMED_REQUESTS, MAX_FETCHES_PER_RUN, nextStep } from './refresh-loop';

describe('the per-user run loop', () => {
  it('stops after a fetch during which nobody asked', () => {
    expect(nextStep({ fetches: 1, named: 0, unnamed: false })).toBe('stop');
  });

  it('fetches again for a caller who asked during the fetch, up to the cap, then stops (the caller asks again)', () => {
    expect(nextStep({ fetches: 1, named: 2, unnamed: false })).toBe('fetch');
    expect(nextStep({ fetches: MAX_FETCHES_PER_RUN - 1, named: 1, unnamed: false })).toBe('fetch');
    expect(nextStep({ fetches: MAX_FETCHES_PER_RUN, named: 1, unnamed: false })).toBe('stop');
  });

  it('a request nobody waits for gets its fetch up to the higher cap, then goes to the queue', () => {
    expect(nextStep({ fetches: MAX_FETCHES_PER_RUN, named: 0, unnamed: true })).toBe('fetch');
    expect(nextStep({ fetches: MAX_FETCHES_FOR_UNNAMED_REQUESTS - 1, named: 5, unnamed: true })).toBe('fetch');
    expect(nextStep({ fetches: MAX_FETCHES_FOR_UNNAMED_REQUESTS, named: 0, unnamed: true })).toBe('hand-off');
  });
});
