// For other projects' tests: a real Prometheus scraping a target, and the queries of the shipped dashboard and rules.
export {
  startPrometheusServer,
  type PrometheusServer,
  type PromQueryResult,
  type PromSample,
  type StartPrometheusOptions,
} from './prometheus-server';
export {
  dashboardQueries,
  loadDashboard,
  DASHBOARD_FILE,
  type DashboardQuery,
  type QueryValues,
} from './dashboard-queries';
export { alertRules, ALERT_RULES_FILE, type AlertRule } from './alert-rules';
export { expositionProblems, expressionProblems } from './contract-check';
export { PrometheusNotInstalledError, PrometheusServerError, PrometheusWaitTimeoutError } from './errors';
