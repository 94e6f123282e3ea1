import { promqlSelectors } from './promql-selectors';

describe('promqlSelectors', () => {
  it('finds the metrics of a ratio and not its functions, aggregations or keywords', () => {
    const s = promqlSelectors(
      'sum by (endpoint) (rate(bytemark_api_errors_total{job="w", type!="auth"}[10m])) / sum by (endpoint) ' +
        '(rate(bytemark_api_requests_total[10m])) > 0.05 and on (endpoint) sum without (instance) (up) == 1',
    );
    expect(s.metrics).toEqual(['bytemark_api_errors_total', 'bytemark_api_requests_total', 'up']);
    expect(s.groupingLabels).toEqual(['endpoint', 'instance']);
  });

  it('ties each label matcher to the metric its braces follow, with its operator and unescaped value', () => {
    const s = promqlSelectors('x_total {a="1", b=~"p|q", c!~"z\\"y"} + {__name__="named", d!="2"}');
    expect(s.matchers).toEqual([
      { metric: 'x_total', label: 'a', op: '=', value: '1' },
      { metric: 'x_total', label: 'b', op: '=~', value: 'p|q' },
      { metric: 'x_total', label: 'c', op: '!~', value: 'z"y' },
      { metric: undefined, label: '__name__', op: '=', value: 'named' },
      { metric: undefined, label: 'd', op: '!=', value: '2' },
    ]);
    expect(s.metrics).toEqual(['x_total', 'named']);
  });

  it('skips strings, durations, offsets and numbers', () => {
    const s = promqlSelectors(
      'label_replace(histogram_quantile(0.95, sum(rate(h_bucket[5m] offset 1h)) by (le)), "dst", "$1", "src", "(.*)") * 1e3 + time() - 0x1F',
    );
    expect(s.metrics).toEqual(['h_bucket']);
    expect(s.groupingLabels).toEqual(['le']);
  });

  it('reads a grouping list after the parenthesised argument and group_left lists', () => {
    const s = promqlSelectors('max(a) by (job) * on (job) group_left (version) b');
    expect(s.metrics).toEqual(['a', 'b']);
    expect(s.groupingLabels).toEqual(['job', 'version']);
  });
});
