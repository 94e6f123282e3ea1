/** The table on stdout and the JSON files in bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './metrics';
import type { PhaseResult } from './phases/phase-result';
import type { BenchmarkResult } from './run-benchmark';

export const RESULTS_DIR = join(__dirname, '..', 'results');

const fmt = (v: number | null, digits = 1) => (v === null ? '—' : String(round(v, digits)));

/** A markdown table (readable on a terminal, pasteable into the README). */
export function phaseTable(result: BenchmarkResult): string {
  const rows: Array<[string, (p: PhaseResult) => string]> = [
    ['users processed', (p) => String(p.users)],
    ['users/s', (p) => fmt(p.usersPerSecond)],
    ['per-user latency p50 / p95 (ms)', (p) => `${fmt(p.latencyP50Ms, 0)} / ${fmt(p.latencyP95Ms, 0)}`],
    ['Bytemark calls per user', (p) => fmt(p.bytemarkCallsPerUser, 2)],
    ['Bytemark calls in the busiest second', (p) => fmt(p.bytemarkPeakCallsPerSecond, 0)],
    ['MongoDB writes per unchanged user', (p) => fmt(p.mongoWritesPerUnchangedUser, 2)],
    ['audit entries per unchanged user', (p) => fmt(p.auditEntriesPerUnchangedUser, 2)],
    ['workflows run', (p) => fmt(p.workflows, 0)],
    ['history events per user (all workflows)', (p) => fmt(p.historyEventsPerUser, 2)],
    ['billable actions per user', (p) => fmt(p.actionsPerUser, 2)],
    ['worker peak RSS (MB)', (p) => fmt(p.workerPeakRssMb, 0)],
    ['failed', (p) => String(p.failed)],
  ];
  const { baseline, ours, ceiling } = result.phases;
  const lines = ['| metric | baseline (sequential) | ours (sweep) | ceiling (no-op) |', '|---|---|---|---|'];
  for (const [label, cell] of rows) lines.push(`| ${label} | ${cell(baseline)} | ${cell(ours)} | ${cell(ceiling)} |`);
  return lines.join('\n');
}

/** The on-demand phase: a rider's wait idle and during a sweep that spends the whole rate limit. */
export function onDemandTable(result: BenchmarkResult): string {
  const d = result.onDemand;
  if (!d) return 'on-demand phase skipped (--on-demand-requests 0)';
  return [
    `On-demand refreshes (requestTicketRefresh, wait; ${d.latencyMs} ms per Bytemark call, limit ${d.rateLimit} calls/s)`,
    '',
    '| rider refresh | requests | p50 ms | p95 ms | max ms |',
    '|---|---|---|---|---|',
    `| idle | ${d.idle.requests} | ${d.idle.p50Ms} | ${d.idle.p95Ms} | ${d.idle.maxMs} |`,
    `| during the sweep | ${d.duringSweep.requests} | ${d.duringSweep.p50Ms} | ${d.duringSweep.p95Ms} | ${d.duringSweep.maxMs} |`,
    '',
    `p95 during − p95 idle: ${d.duringSweep.p95Ms - d.idle.p95Ms} ms; the sweep's calls/s in that window: ` +
      `${d.sweepCallsPerSecond} (${round(d.sweepShareOfLimit * 100, 1)} % of the limit; all calls ${d.callsPerSecond}/s)` +
      (d.sweepEndedEarly ? '; the sweep ended before every rider was measured' : ''),
  ].join('\n');
}

export function ratiosTable(result: BenchmarkResult): string {
  const r = result.ratios;
  return [
    '| ratio | value |',
    '|---|---|',
    `| speedup over baseline | ${r.speedupOverBaseline}× |`,
    `| efficiency vs ceiling (no-op) | ${r.efficiencyVsCeiling} |`,
    `| rate-limit ceiling (rate / calls per user) | ${r.rateLimitCeilingUsersPerSecond} users/s |`,
    `| efficiency vs rate-limit ceiling | ${r.efficiencyVsRateLimitCeiling} |`,
    `| efficiency vs the smaller ceiling | ${r.efficiencyVsSmallerCeiling} |`,
  ].join('\n');
}

/** One row per run: the scale series at a glance. */
export function seriesTable(results: readonly BenchmarkResult[]): string {
  const lines = [
    '| users | baseline users/s | ours users/s | ceiling users/s | speedup | vs ceiling | vs rate ceiling | ours p50 / p95 ms | calls/user | Mongo writes / unchanged | audit / unchanged | events/user | actions/user | worker RSS MB (ours / ceiling) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const { baseline: b, ours: o, ceiling: c } = r.phases;
    lines.push(
      `| ${r.options.users} | ${fmt(b.usersPerSecond)} | ${fmt(o.usersPerSecond)} | ${fmt(c.usersPerSecond)} | ` +
        `${r.ratios.speedupOverBaseline}× | ${r.ratios.efficiencyVsCeiling} | ${r.ratios.efficiencyVsRateLimitCeiling} | ` +
        `${fmt(o.latencyP50Ms, 0)} / ${fmt(o.latencyP95Ms, 0)} | ${fmt(o.bytemarkCallsPerUser, 2)} | ` +
        `${fmt(o.mongoWritesPerUnchangedUser, 2)} | ${fmt(o.auditEntriesPerUnchangedUser, 2)} | ${fmt(o.historyEventsPerUser, 2)} | ` +
        `${fmt(o.actionsPerUser, 2)} | ` +
        `${fmt(o.workerPeakRssMb, 0)} / ${fmt(c.workerPeakRssMb, 0)} |`,
    );
  }
  return lines.join('\n');
}

export function printReport(result: BenchmarkResult): void {
  const o = result.options;
  console.log(
    `\n${o.users} users, ${o.passes} passes each, latency ${o.latencyMs} ms, rate ${o.rate}/s, ` +
      `changed ${o.changedFraction}, batches of ${o.batchSize} (${o.batchesInFlight} at once, ${o.maxInFlight} users in flight each), ` +
      `${o.workers} worker process${o.workers === 1 ? '' : 'es'}, ceiling shape ${o.ceilingShape}` +
      (o.workerHeapMb === null ? '' : `, worker heap limit ${o.workerHeapMb} MB`) +
      ` (baseline over ${result.phases.baseline.detail['sampleUsers']} users)\n`,
  );
  console.log(phaseTable(result));
  console.log('');
  console.log(ratiosTable(result));
  console.log('');
  console.log(onDemandTable(result));
  const { ours, ceiling } = result.phases;
  console.log(
    `\nCPU ms per user: ours ${JSON.stringify(ours.detail['cpuMsPerUser'])}, ceiling ${JSON.stringify(ceiling.detail['cpuMsPerUser'])}`,
  );
}

/** Writes `<timestamp>.json` and `latest.json`; returns the first path. */
export function writeResults(payload: { command: string; runs: BenchmarkResult[] }): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(RESULTS_DIR, `${stamp}.json`);
  const json = `${JSON.stringify({ writtenAt: new Date().toISOString(), ...payload }, null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
  return file;
}
