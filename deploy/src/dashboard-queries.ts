import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The dashboard this project ships. */
export const DASHBOARD_FILE = join(__dirname, '..', 'grafana', 'ticket-cache.dashboard.json');

interface DashboardPanel {
  type?: string;
  title?: string;
  targets?: { refId?: string; expr?: string; legendFormat?: string }[];
  panels?: DashboardPanel[];
}

interface DashboardVariable {
  name: string;
  type: string;
  allValue?: string;
  definition?: string;
  query?: string | { query?: string };
}

export interface Dashboard {
  panels?: DashboardPanel[];
  templating?: { list?: DashboardVariable[] };
  [key: string]: unknown;
}

/** One PromQL query of a panel, its variables replaced by concrete values. */
export interface DashboardQuery {
  panel: string;
  refId: string;
  expr: string;
}

export interface QueryValues {
  /** `$__rate_interval` (Grafana: at least four scrape intervals). Default `1m`. */
  rateInterval?: string;
  /** `$__interval`. Default `15s`. */
  interval?: string;
  /** `$__range`, the dashboard's time range. Default `1h`. */
  range?: string;
  /** Values of the dashboard's own variables; one with an `allValue` (`$job`: `.+`) defaults to it. */
  variables?: Record<string, string>;
}

export function loadDashboard(file: string = DASHBOARD_FILE): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

function seconds(duration: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)) {
    total += Number(n) * (units[unit ?? ''] ?? NaN);
  }
  return total;
}

function panelsOf(panels: DashboardPanel[] = []): DashboardPanel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels)]);
}

/**
 * Every PromQL expression of the dashboard's panels, with Grafana's built-in variables (`$__rate_interval`,
 * `$__interval`, `$__range` and their `_s`/`_ms` forms) and the dashboard's own (`$job`, `${job}`, `[[job]]`,
 * `${job:regex}`) replaced, ready for `/api/v1/query`. A variable it cannot fill throws, naming the panel.
 */
export function dashboardQueries(dashboard: Dashboard = loadDashboard(), values: QueryValues = {}): DashboardQuery[] {
  const { rateInterval = '1m', interval = '15s', range = '1h' } = values;
  const vars: Record<string, string> = {
    __rate_interval: rateInterval,
    __interval: interval,
    __interval_ms: String(seconds(interval) * 1000),
    __range: range,
    __range_s: String(seconds(range)),
    __range_ms: String(seconds(range) * 1000),
  };
  for (const v of dashboard.templating?.list ?? []) {
    if (v.allValue !== undefined) vars[v.name] = v.allValue;
  }
  Object.assign(vars, values.variables);
  const out: DashboardQuery[] = [];
  for (const panel of panelsOf(dashboard.panels)) {
    for (const target of panel.targets ?? []) {
      if (!target.expr) continue;
      const title = panel.title ?? '(untitled)';
      const expr = target.expr.replace(
        /\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g,
        (whole, a?: string, b?: string, c?: string) => {
          const name = a ?? b ?? c ?? '';
          if (/^\d/.test(name)) return whole; // `$1` in label_replace is PromQL's own
          const value = vars[name];
          if (value === undefined) throw new Error(`panel "${title}" uses variable $${name}, which has no value here`);
          return value;
        },
      );
      out.push({ panel: title, refId: target.refId ?? '', expr });
    }
  }
  return out;
}

/** The selectors of the dashboard's query variables (`label_values(<selector>, label)`), for a contract check. */
export function dashboardVariableSelectors(dashboard: Dashboard = loadDashboard()): string[] {
  return (dashboard.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => (typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '')))
    .map((q) => /^label_values\((.+),\s*\w+\)$/.exec(q)?.[1] ?? q);
}
