import { type Dashboard, dashboardQueries, dashboardVariableSelectors } from './dashboard-queries';

const dashboard: Dashboard = {
  templating: {
    list: [
      { name: 'datasource', type: 'datasource' },
      { name: 'job', type: 'query', allValue: '.+', query: { query: 'label_values(some_gauge{a="b"}, job)' } },
    ],
  },
  panels: [
    {
      type: 'row',
      title: 'collapsed',
      panels: [{ title: 'inside', targets: [{ refId: 'A', expr: 'x{job=~"$job"}' }] }],
    },
    {
      title: 'rates',
      targets: [
        { refId: 'A', expr: 'rate(c_total{job=~"${job:regex}"}[$__rate_interval])' },
        { refId: 'B', expr: 'increase(c_total{job=~"[[job]]"}[$__range]) / $__range_s + $__interval_ms' },
        { refId: 'C', expr: 'label_replace(up, "x", "$1", "instance", "(.*):.*")' },
        { refId: 'D' },
      ],
    },
  ],
};

describe('dashboardQueries', () => {
  it('lists every panel expression, rows included, with variables replaced by concrete values', () => {
    expect(dashboardQueries(dashboard, { rateInterval: '10s', range: '5m', interval: '2s' })).toEqual([
      { panel: 'inside', refId: 'A', expr: 'x{job=~".+"}' },
      { panel: 'rates', refId: 'A', expr: 'rate(c_total{job=~".+"}[10s])' },
      { panel: 'rates', refId: 'B', expr: 'increase(c_total{job=~".+"}[5m]) / 300 + 2000' },
      { panel: 'rates', refId: 'C', expr: 'label_replace(up, "x", "$1", "instance", "(.*):.*")' },
    ]);
  });

  it('takes a value for a dashboard variable instead of its all-value', () => {
    const [first] = dashboardQueries(dashboard, { variables: { job: 'bytemark-ticket-cache-worker' } });
    expect(first?.expr).toBe('x{job=~"bytemark-ticket-cache-worker"}');
  });

  it('refuses a variable it has no value for, naming the panel', () => {
    const bad: Dashboard = { panels: [{ title: 'p', targets: [{ refId: 'A', expr: 'up{pod="$pod"}' }] }] };
    expect(() => dashboardQueries(bad)).toThrow('panel "p" uses variable $pod, which has no value here');
  });

  it("lists the selectors of the dashboard's query variables", () => {
    expect(dashboardVariableSelectors(dashboard)).toEqual(['some_gauge{a="b"}']);
  });
});
