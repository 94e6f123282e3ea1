import { RequestCounters } from './counters';

describe('RequestCounters', () => {
  it('reports the busiest second and the span of received requests, and forgets them on reset', () => {
    let now = 10_000;
    const counters = new RequestCounters(() => now);
    for (let i = 0; i < 3; i++) counters.arrived();
    now = 11_500;
    counters.arrived();
    now = 12_999;
    for (let i = 0; i < 5; i++) counters.arrived();
    expect(counters.rate()).toEqual({ peakPerSecond: 5, seconds: 3, total: 9 });
    counters.reset();
    expect(counters.rate()).toEqual({ peakPerSecond: 0, seconds: 0, total: 0 });
  });
});
