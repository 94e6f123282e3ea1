import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROMETHEUS_DIR, alertRules } from './alert-rules';
import { expressionProblems } from './contract-check';
import { promqlSelectors } from './promql-selectors';
import { promtool } from './promtool';

const WORKER_JOB = 'bytemark-ticket-cache-worker';
const rules = alertRules();

interface RuleTests {
  tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
}

describe('the alert rules (prometheus/ticket-cache.rules.yml)', () => {
  it('pass `promtool check rules`', () => {
    const run = promtool(['check', 'rules', 'ticket-cache.rules.yml'], PROMETHEUS_DIR);
    expect(run).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
  });

  it('pass their unit tests, `promtool test rules ticket-cache.rules.test.yml`', () => {
    const run = promtool(['test', 'rules', 'ticket-cache.rules.test.yml'], PROMETHEUS_DIR);
    expect(run).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('each alert has a unit-test case where it fires and one where it stays quiet', () => {
    const tests = parse(readFileSync(join(PROMETHEUS_DIR, 'ticket-cache.rules.test.yml'), 'utf8')) as RuleTests;
    const checks = tests.tests.flatMap((t) => t.alert_rule_test);
    for (const { alert } of rules) {
      const mine = checks.filter((c) => c.alertname === alert);
      expect({ alert, fires: mine.some((c) => c.exp_alerts.length > 0) }).toEqual({ alert, fires: true });
      expect({ alert, quiet: mine.some((c) => c.exp_alerts.length === 0) }).toEqual({ alert, quiet: true });
    }
  });

  it('each alert waits (for:), has a severity, and a summary and description with the value and a CLI runbook hint', () => {
    for (const r of rules) {
      expect({ alert: r.alert, for: r.for }).toEqual({ alert: r.alert, for: expect.stringMatching(/^\d+[mh]$/) });
      expect({ alert: r.alert, severity: r.labels?.['severity'] }).toEqual({
        alert: r.alert,
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      const { summary = '', description = '', runbook = '' } = r.annotations ?? {};
      expect({ alert: r.alert, summary: summary.length > 0, runbook }).toEqual({
        alert: r.alert,
        summary: true,
        runbook: expect.stringMatching(/`npm run cli -- [a-z]/),
      });
      // An absent() alert has no value to give: it says what is missing instead.
      if (!r.expr.includes('absent(')) {
        expect({ alert: r.alert, valueInText: `${summary}${description}`.includes('$value') }).toEqual({
          alert: r.alert,
          valueInText: true,
        });
      }
    }
  });

  it("read only the worker's metrics, labels and values, and every selector picks the worker's job", () => {
    for (const r of rules) {
      expect({ alert: r.alert, problems: expressionProblems(r.expr) }).toEqual({ alert: r.alert, problems: [] });
      const { metrics, matchers } = promqlSelectors(r.expr);
      for (const metric of metrics) {
        const job = matchers.find((m) => m.metric === metric && m.label === 'job');
        expect({ alert: r.alert, metric, job: job && `${job.op}${job.value}` }).toEqual({
          alert: r.alert,
          metric,
          job: `=${WORKER_JOB}`,
        });
      }
    }
  });

  it('the example scrape config passes `promtool check config` and scrapes the job the rules select on :9464', () => {
    const run = promtool(['check', 'config', 'scrape.example.yml'], PROMETHEUS_DIR);
    expect(run).toEqual({ status: 0, output: expect.stringContaining('is valid prometheus config file syntax') });
    const config = parse(readFileSync(join(PROMETHEUS_DIR, 'scrape.example.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
    };
    const job = config.scrape_configs.find((c) => c.job_name === WORKER_JOB);
    expect(job?.static_configs?.flatMap((s) => s.targets).every((t) => t.endsWith(':9464'))).toBe(true);
  });
});
