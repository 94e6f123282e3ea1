/** One metric family of a Prometheus text exposition: its `# TYPE`, and every label name and value its samples carry. */
export interface MetricFamily {
  name: string;
  type: string;
  labels: Map<string, Set<string>>;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /\s*([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;
const SUFFIXES = ['_bucket', '_sum', '_count', '_created', '_total'];

/**
 * Parses the Prometheus text format (what `GET /metrics` returns) into families by name. Histogram samples
 * (`x_bucket`, `x_sum`, `x_count`) belong to family `x`; a counter family keeps the name its `# TYPE` line gives
 * (`x_total` for prom-client and for the Temporal SDK with `countersTotalSuffix`).
 */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string, type = 'untyped'): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type, labels: new Map(), samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const line of text.split('\n')) {
    const typeLine = /^# TYPE (\S+) (\S+)/.exec(line);
    if (typeLine) {
      family(typeLine[1] ?? '').type = typeLine[2] ?? 'untyped';
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line of the Prometheus text format: ${line}`);
    const [, name = '', labelText = '', value = ''] = m;
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    for (let l = LABEL.exec(labelText); l; l = LABEL.exec(labelText)) {
      labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
    }
    const suffix = SUFFIXES.find((s) => name.endsWith(s) && families.has(name.slice(0, -s.length)));
    const f = families.get(name) ?? family(suffix ? name.slice(0, -(suffix?.length ?? 0)) : name);
    f.samples.push({ name, labels, value: Number(value) });
    for (const [k, v] of Object.entries(labels)) {
      if (k === 'le' || k === 'quantile') continue;
      const values = f.labels.get(k) ?? new Set<string>();
      values.add(v);
      f.labels.set(k, values);
    }
  }
  return families;
}
