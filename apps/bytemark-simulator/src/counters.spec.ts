import { RequestCounters } from './counters';

describe('RequestCounters', () => {
  it('reports the busiest second and the span of answered requests, and forgets them on reset', () => {
    let now = 10_000;
    const counters = new RequestCounters(() => now);
    for (let i = 0; i < 3; i++) counters.record('GET /passes', 200);
    now = 11_500;
    counters.record('GET /v4.0/passes', 200);
    now = 12_999;
    for (let i = 0; i < 5; i++) counters.record('GET /passes', 429);
    expect(counters.rate()).toEqual({ peakPerSecond: 5, seconds: 3, total: 9 });
    counters.reset();
    expect(counters.rate()).toEqual({ peakPerSecond: 0, seconds: 0, total: 0 });
  });
});
