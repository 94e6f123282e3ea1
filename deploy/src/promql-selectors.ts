/** One label matcher of a selector: `outcome="unchanged"`, `type!="auth"`, `status=~"pending|failed"`. */
export interface LabelMatcher {
  /** The metric the matcher's braces follow; undefined for a bare `{...}` selector. */
  metric: string | undefined;
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** What a PromQL expression reads: metric names, label matchers and the labels it groups or matches on. */
export interface PromqlSelectors {
  metrics: string[];
  matchers: LabelMatcher[];
  /** Labels named in `by`, `without`, `on`, `ignoring`, `group_left` and `group_right` lists. */
  groupingLabels: string[];
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan', 'start', 'end']);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
/** Aggregation operators: `sum by (le) (...)` puts a grouping clause between the name and its parenthesis. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const IDENT = /[A-Za-z_:][A-Za-z0-9_:]*/y;

/**
 * Lists the metric names, label matchers and grouping labels of a PromQL expression, by a small scan (strings,
 * ranges and numbers skipped; an identifier followed by `(` is a function or aggregation). Not a parser: it does not
 * validate the expression, which `promtool check rules` does; it lets a test compare what the expression reads with
 * the metrics the worker exports. Template variables must already be substituted.
 */
export function promqlSelectors(expr: string): PromqlSelectors {
  const metrics: string[] = [];
  const matchers: LabelMatcher[] = [];
  const groupingLabels: string[] = [];
  let lastMetric: string | undefined;
  let i = 0;
  const skipSpace = () => {
    while (i < expr.length && /\s/.test(expr[i] ?? '')) i++;
  };
  const readString = (): string => {
    const quote = expr[i];
    let out = '';
    i++;
    while (i < expr.length && expr[i] !== quote) {
      if (expr[i] === '\\' && quote !== '`') {
        out += expr[i + 1] ?? '';
        i += 2;
      } else {
        out += expr[i];
        i++;
      }
    }
    i++;
    return out;
  };
  const readIdent = (): string | undefined => {
    IDENT.lastIndex = i;
    const m = IDENT.exec(expr);
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  while (i < expr.length) {
    const c = expr[i] ?? '';
    if (c === '"' || c === "'" || c === '`') {
      readString();
      lastMetric = undefined;
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '[') {
      while (i < expr.length && expr[i] !== ']') i++;
      i++;
    } else if (c === '{') {
      i++;
      for (;;) {
        skipSpace();
        if (expr[i] === '}' || i >= expr.length) break;
        const label = readIdent();
        if (!label) throw new Error(`cannot read a label matcher at offset ${i} of: ${expr}`);
        skipSpace();
        const op = /^(=~|!~|!=|=)/.exec(expr.slice(i))?.[1] as LabelMatcher['op'] | undefined;
        if (!op) throw new Error(`no matcher operator after label ${label} in: ${expr}`);
        i += op.length;
        skipSpace();
        const value = readString();
        if (label === '__name__' && op === '=') metrics.push(value);
        matchers.push({ metric: lastMetric, label, op, value });
        skipSpace();
        if (expr[i] === ',') i++;
      }
      i++;
      lastMetric = undefined;
    } else if (/[0-9.]/.test(c)) {
      // A number or a duration (5m, 1.5, 1e3, 0x1F).
      while (i < expr.length && /[0-9A-Za-z.]/.test(expr[i] ?? '')) i++;
      lastMetric = undefined;
    } else if (/[A-Za-z_:]/.test(c)) {
      const ident = readIdent() ?? '';
      const after = i;
      skipSpace();
      if (GROUPING.has(ident) && expr[i] === '(') {
        const close = expr.indexOf(')', i);
        for (const label of expr.slice(i + 1, close).split(',')) if (label.trim()) groupingLabels.push(label.trim());
        i = close + 1;
        lastMetric = undefined;
      } else if (
        expr[i] === '(' ||
        KEYWORDS.has(ident.toLowerCase()) ||
        GROUPING.has(ident) ||
        AGGREGATIONS.has(ident.toLowerCase())
      ) {
        lastMetric = undefined;
      } else {
        metrics.push(ident);
        lastMetric = ident;
        i = after;
      }
    } else {
      i++;
      if (!/\s/.test(c)) lastMetric = undefined;
    }
  }
  return { metrics: [...new Set(metrics)], matchers, groupingLabels: [...new Set(groupingLabels)] };
}
