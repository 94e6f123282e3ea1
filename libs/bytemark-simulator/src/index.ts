export { SimulatorAdmin, SimulatorAdminError } from './admin-client';
export type { RequestRate, RouteCounter } from './counters';
export { API_ROUTES } from './faults';
export type { ApiRoute, FaultSpec, LatencySpec, MissingPassArrayMode, PaginationQuirk } from './faults';
export { SESSION_EXPIRED } from './respond';
export {
  BASE_TIME_MS,
  FREE_PRODUCT_UUIDS,
  PASS_STATUSES,
  PRODUCTS,
  credentialsFor,
  emailFor,
  generateUserPasses,
  tokenFor,
} from './seed-data';
export type { PassStatus, Product, SimPass } from './seed-data';
export { DEFAULT_CLIENT_ID, buildSimulator, startSimulator } from './server';
export type { RunningSimulator, SimulatorOptions } from './server';
export type { SeedParams, UserAccount } from './store';
