// The metrics contract the worker exports and the shipped rules and dashboard read.
export { TICKET_CACHE_METRICS, type MetricContract, type MetricType } from './metrics-contract';
