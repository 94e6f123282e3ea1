import { parseExposition } from './exposition';
import { type MetricContract, TICKET_CACHE_METRICS, workerMetrics } from './metrics-contract';
import { promqlSelectors } from './promql-selectors';

/** Labels every scraped series can carry besides its own: the target's (scrape config, PodMonitor relabelling). */
const TARGET_LABELS = ['job', 'instance', 'pod'];
const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'];
/** A regex matcher value that is only a list of literal alternatives (`pending|failed`), whose values can be checked. */
const LITERAL_ALTERNATIVES = /^[\w.:-]+(\|[\w.:-]+)*$/;

function resolve(
  name: string,
  metrics: Record<string, MetricContract>,
): { base: string; contract: MetricContract; series: string } | undefined {
  const direct = metrics[name];
  if (direct) return direct.type === 'histogram' ? undefined : { base: name, contract: direct, series: '' };
  for (const suffix of HISTOGRAM_SERIES) {
    const base = name.slice(0, -suffix.length);
    const contract = name.endsWith(suffix) ? metrics[base] : undefined;
    if (contract?.type === 'histogram') return { base, contract, series: suffix };
  }
  return undefined;
}

/**
 * What is wrong with a PromQL expression against the metrics the worker exports: unknown metric names (or a
 * histogram read without `_bucket`/`_sum`/`_count`), labels a metric does not have, label values outside a label's
 * allowed set, and grouping labels none of its metrics has. An empty list means the expression only reads what
 * exists.
 */
export function expressionProblems(expr: string, metrics: Record<string, MetricContract> = workerMetrics()): string[] {
  const problems: string[] = [];
  const { metrics: names, matchers, groupingLabels } = promqlSelectors(expr);
  const known = new Map<string, ReturnType<typeof resolve>>();
  for (const name of names) {
    const found = resolve(name, metrics);
    if (!found) {
      problems.push(
        metrics[name]?.type === 'histogram'
          ? `${name} is a histogram: read ${name}_bucket, _sum or _count`
          : `unknown metric ${name}`,
      );
    }
    known.set(name, found);
  }
  const labelsOf = (name: string): string[] => {
    const found = known.get(name);
    if (!found) return [];
    return [...Object.keys(found.contract.labels), ...TARGET_LABELS, ...(found.series === '_bucket' ? ['le'] : [])];
  };
  const allLabels = new Set([...TARGET_LABELS, ...names.flatMap(labelsOf)]);
  for (const m of matchers) {
    if (m.label === '__name__') continue;
    const found = m.metric ? known.get(m.metric) : undefined;
    if (m.metric && !found) continue; // already reported as unknown
    const labels = m.metric ? labelsOf(m.metric) : [...allLabels];
    if (!labels.includes(m.label)) {
      problems.push(`${m.metric ?? 'a selector'} has no label ${m.label}`);
      continue;
    }
    const allowed = found?.contract.labels[m.label];
    if (!Array.isArray(allowed)) continue;
    const literal = m.op === '=' || m.op === '!=';
    if (!literal && !LITERAL_ALTERNATIVES.test(m.value)) continue;
    for (const value of literal ? [m.value] : m.value.split('|')) {
      if (!allowed.includes(value)) {
        problems.push(`${m.metric} ${m.label}="${value}" is not one of ${allowed.join(', ')}`);
      }
    }
  }
  for (const label of groupingLabels) {
    if (!allLabels.has(label)) problems.push(`grouping by ${label}, which none of ${names.join(', ')} has`);
  }
  return problems;
}

/**
 * What a real scrape of the worker (`GET :9464/metrics`) lacks or adds against the contract: each contract metric
 * missing or of another type, labels outside the contract, label values outside their allowed set, and any label
 * that looks like a user id. An empty list means the scrape matches. `optional` names metrics that may be absent
 * (a labelled counter prom-client shows only once it counted something).
 */
export function expositionProblems(
  text: string,
  { optional = [] as readonly string[], contract = TICKET_CACHE_METRICS } = {},
): string[] {
  const problems: string[] = [];
  const families = parseExposition(text);
  for (const [name, expected] of Object.entries(contract)) {
    const family = families.get(name);
    if (!family) {
      if (!optional.includes(name)) problems.push(`missing metric ${name} (${expected.type})`);
      continue;
    }
    if (family.type !== expected.type) problems.push(`${name} is a ${family.type}, expected a ${expected.type}`);
    for (const [label, values] of family.labels) {
      const allowed = expected.labels[label];
      if (allowed === undefined) {
        problems.push(`${name} has label ${label}, which the contract does not list`);
        continue;
      }
      if (allowed === 'any') continue;
      for (const value of values) {
        if (!allowed.includes(value)) problems.push(`${name} ${label}="${value}" is not one of ${allowed.join(', ')}`);
      }
    }
  }
  for (const family of families.values()) {
    for (const label of family.labels.keys()) {
      if (/user/i.test(label)) problems.push(`${family.name} has label ${label}: no metric may carry a user id`);
    }
  }
  return problems;
}
