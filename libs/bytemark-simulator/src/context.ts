import type { RequestCounters } from './counters';
import type { FaultRegistry, LatencySpec } from './faults';
import type { TokenBucket } from './rate-limit';
import type { SimulatorStore } from './store';

/** Everything the route handlers share: state, faults, counters and the live settings. */
export interface SimulatorContext {
  store: SimulatorStore;
  faults: FaultRegistry;
  counters: RequestCounters;
  bucket: TokenBucket;
  settings: { latency: LatencySpec; clientId: string; maxPerPage: number };
  /** Aborted when the simulator closes, releasing hung requests and pending latency. */
  closing: AbortSignal;
}
