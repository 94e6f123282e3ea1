/** Requests per route, by answered status ('200', '429', ... or 'hang' / 'truncated' when no full answer was sent). */
export interface RouteCounter {
  total: number;
  byStatus: Record<string, number>;
}

export class RequestCounters {
  private routes: Record<string, RouteCounter> = {};

  record(route: string, status: number | 'hang' | 'truncated'): void {
    const counter = (this.routes[route] ??= { total: 0, byStatus: {} });
    counter.total += 1;
    const key = String(status);
    counter.byStatus[key] = (counter.byStatus[key] ?? 0) + 1;
  }

  snapshot(): Record<string, RouteCounter> {
    return structuredClone(this.routes);
  }

  reset(): void {
    this.routes = {};
  }
}
