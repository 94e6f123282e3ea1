import { readFileSync } from 'node:fs';
import { expositionProblems, expressionProblems } from './contract-check';
import { TEMPORAL_SDK_METRICS_FIXTURE, temporalSdkMetrics } from './metrics-contract';

describe('expressionProblems', () => {
  it('accepts an expression that reads existing metrics, labels and values', () => {
    expect(
      expressionProblems(
        'sum by (job, endpoint) (rate(bytemark_api_errors_total{job="w", type!="auth"}[5m])) / ' +
          'sum by (job, endpoint) (rate(bytemark_api_requests_total{status=~"5.."}[5m]))',
      ),
    ).toEqual([]);
  });

  it.each([
    ['sum(rate(ticket_cache_refresh_total[5m]))', 'unknown metric ticket_cache_refresh_total'],
    [
      'ticket_cache_refreshes_total{outcome=~"unchanged|hit"}',
      'ticket_cache_refreshes_total outcome="hit" is not one of',
    ],
    ['sum by (endpoint) (ticket_cache_refreshes_total)', 'grouping by endpoint, which none of'],
    [
      'rate(bytemark_api_request_duration_seconds[5m])',
      'is a histogram: read bytemark_api_request_duration_seconds_bucket',
    ],
    ['bytemark_api_request_duration_seconds_bucket{status="200"}', 'has no label status'],
    ['temporal_request_latency_bucket', 'unknown metric temporal_request_latency_bucket'],
  ])('names the mistake in %s', (expr, problem) => {
    expect(expressionProblems(expr)).toEqual([expect.stringContaining(problem)]);
  });
});

describe('temporalSdkMetrics', () => {
  it('holds the names the SDK exports with the worker options (_total counters, _seconds histograms)', () => {
    const names = Object.keys(temporalSdkMetrics());
    expect(names).toEqual(
      expect.arrayContaining([
        'temporal_num_pollers',
        'temporal_workflow_task_schedule_to_start_latency_seconds',
        'temporal_activity_schedule_to_start_latency_seconds',
        'temporal_worker_task_slots_available',
        'temporal_activity_execution_failed_total',
      ]),
    );
    expect(names.filter((n) => !n.startsWith('temporal_'))).toEqual([]);
  });
});

describe('expositionProblems', () => {
  const good = [
    '# TYPE ticket_cache_refreshes_total counter',
    'ticket_cache_refreshes_total{trigger="hourly",outcome="unchanged"} 4',
    '# TYPE bytemark_logins_total counter',
    'bytemark_logins_total{result="failed"} 1',
  ].join('\n');

  it('finds nothing wrong in a scrape that matches, given the metrics allowed to be absent', () => {
    const contract = {
      ticket_cache_refreshes_total: {
        type: 'counter' as const,
        help: '',
        labels: { trigger: ['hourly'], outcome: ['unchanged'] },
      },
      bytemark_logins_total: { type: 'counter' as const, help: '', labels: { result: ['failed', 'succeeded'] } },
      ticket_cache_users_due: { type: 'gauge' as const, help: '', labels: {} },
    };
    expect(expositionProblems(good, { contract, optional: ['ticket_cache_users_due'] })).toEqual([]);
    expect(expositionProblems(good, { contract })).toEqual(['missing metric ticket_cache_users_due (gauge)']);
  });

  it('reports a wrong type, an unlisted label or value, and any label that could carry a user id', () => {
    const bad = [
      '# TYPE ticket_cache_users_due counter',
      'ticket_cache_users_due 3',
      '# TYPE bytemark_logins_total counter',
      'bytemark_logins_total{result="maybe",user_id="17"} 1',
    ].join('\n');
    expect(expositionProblems(bad, { optional: Object.keys(temporalSdkMetrics()) })).toEqual(
      expect.arrayContaining([
        'ticket_cache_users_due is a counter, expected a gauge',
        'bytemark_logins_total result="maybe" is not one of succeeded, failed',
        'bytemark_logins_total has label user_id, which the contract does not list',
        'bytemark_logins_total has label user_id: no metric may carry a user id',
      ]),
    );
  });

  it('reads the recorded Temporal SDK scrape without error', () => {
    const sdk = readFileSync(TEMPORAL_SDK_METRICS_FIXTURE, 'utf8');
    expect(expositionProblems(sdk, { contract: temporalSdkMetrics() })).toEqual([]);
  });
});
