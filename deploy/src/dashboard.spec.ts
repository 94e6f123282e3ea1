import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractTarget } from './contract-target.fixture';
import { expressionProblems } from './contract-check';
import { dashboardQueries, dashboardVariableSelectors, loadDashboard } from './dashboard-queries';
import { TICKET_CACHE_METRICS } from './metrics-contract';
import { startPrometheusServer } from './prometheus-server';
import { promqlSelectors } from './promql-selectors';
import { promtool } from './promtool';

const dashboard = loadDashboard();
const queries = dashboardQueries(dashboard);

/** Every object in the JSON with a `datasource` key, and where it is. */
function datasourceRefs(node: unknown, path = '$'): { path: string; ref: unknown }[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => datasourceRefs(n, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => [
    ...(k === 'datasource' ? [{ path: `${path}.${k}`, ref: v }] : []),
    ...datasourceRefs(v, `${path}.${k}`),
  ]);
}

describe('the Grafana dashboard (grafana/ticket-cache.dashboard.json)', () => {
  it('is schema 39 or later, with a Prometheus datasource variable and no hard-coded datasource', () => {
    expect(dashboard['schemaVersion']).toBeGreaterThanOrEqual(39);
    expect(dashboard.templating?.list?.find((v) => v.name === 'datasource')).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });
    const refs = datasourceRefs(dashboard).filter(({ ref }) => (ref as { type?: string }).type !== 'grafana');
    expect(refs.length).toBeGreaterThan(queries.length);
    for (const { path, ref } of refs)
      expect({ path, ref }).toEqual({ path, ref: { type: 'prometheus', uid: '${datasource}' } });
  });

  it('has a unique id per panel', () => {
    const ids = (dashboard.panels ?? []).map((p) => (p as { id?: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every panel query is valid PromQL (promtool checks them as recording rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'btc-dashboard-rules-'));
    try {
      const rules = {
        groups: [
          {
            name: 'dashboard',
            rules: queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr })),
          },
        ],
      };
      writeFileSync(join(dir, 'dashboard.rules.yml'), JSON.stringify(rules, null, 2));
      const run = promtool(['check', 'rules', 'dashboard.rules.yml'], dir);
      expect(run).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${queries.length} rules found`) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads only metrics, labels and label values the worker exports', () => {
    const problems = [
      ...queries.map((q) => ({ panel: `${q.panel} ${q.refId}`, problems: expressionProblems(q.expr) })),
      ...dashboardVariableSelectors(dashboard).map((s) => ({ panel: 'variable', problems: expressionProblems(s) })),
    ].filter((p) => p.problems.length > 0);
    expect(problems).toEqual([]);
  });

  it('shows every metric of the contract and the Temporal pollers and schedule-to-start latencies', () => {
    const read = new Set(queries.flatMap((q) => promqlSelectors(q.expr).metrics.map((m) => m.replace(/_bucket$/, ''))));
    const expected = [
      ...Object.keys(TICKET_CACHE_METRICS),
      'temporal_num_pollers',
      'temporal_workflow_task_schedule_to_start_latency_seconds',
      'temporal_activity_schedule_to_start_latency_seconds',
    ];
    expect(expected.filter((m) => !read.has(m))).toEqual([]);
  });

  it('every panel query returns data from a real Prometheus scraping a target that exports the contract', async () => {
    const target = await contractTarget();
    const prometheus = await startPrometheusServer({ targets: [target.address] });
    try {
      await prometheus.waitFor(
        'count_over_time(ticket_cache_token_users[1m])',
        (r) => (r.samples[0]?.value ?? 0) >= 3,
        20_000,
      );
      const empty: string[] = [];
      for (const q of dashboardQueries(dashboard, { rateInterval: '30s', range: '1m' })) {
        const result = await prometheus.query(q.expr);
        if (result.samples.length === 0) empty.push(`${q.panel} ${q.refId}: ${q.expr}`);
      }
      expect(empty).toEqual([]);
    } finally {
      await prometheus.stop();
      await target.close();
    }
  });
});
