/** Requests per route, by answered status ('200', '429', ... or 'hang' / 'truncated' when no full answer was sent). */
export interface RouteCounter {
  total: number;
  byStatus: Record<string, number>;
}

/** API requests received per wall-clock second since the last reset: what a rate limit is judged by. */
export interface RequestRate {
  /** The most requests received in one second. */
  peakPerSecond: number;
  /** Seconds from the first to the last request, inclusive. */
  seconds: number;
  total: number;
}

export class RequestCounters {
  private routes: Record<string, RouteCounter> = {};
  private perSecond = new Map<number, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A request arrived (before any latency, limit or fault applies to it). */
  arrived(): void {
    const second = Math.floor(this.now() / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
  }

  record(route: string, status: number | 'hang' | 'truncated'): void {
    const counter = (this.routes[route] ??= { total: 0, byStatus: {} });
    counter.total += 1;
    const key = String(status);
    counter.byStatus[key] = (counter.byStatus[key] ?? 0) + 1;
  }

  snapshot(): Record<string, RouteCounter> {
    return structuredClone(this.routes);
  }

  rate(): RequestRate {
    const seconds = [...this.perSecond.keys()];
    if (seconds.length === 0) return { peakPerSecond: 0, seconds: 0, total: 0 };
    const counts = [...this.perSecond.values()];
    return {
      peakPerSecond: Math.max(...counts),
      seconds: Math.max(...seconds) - Math.min(...seconds) + 1,
      total: counts.reduce((a, b) => a + b, 0),
    };
  }

  reset(): void {
    this.routes = {};
    this.perSecond = new Map();
  }
}
