/** The campaign's table: users per outcome, audit entries and free-ticket rows against the clean run, what is left. */
import type { Comparison } from './compare';
import { DEFINED_OUTCOMES, NOT_REACHED, type CampaignResult, type PhaseReport } from './campaign-result';

const seconds = (ms: number) =>
  ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
const pct = (share: number | null) => (share === null ? 'not fired' : `${Math.round(share * 100)} %`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function comparisonRows(
  label: string,
  expected: number,
  phases: PhaseReport[],
  pick: (p: PhaseReport) => Comparison,
  ofFailed: (p: PhaseReport) => number,
): string[][] {
  return [
    [label, String(expected), ...phases.map((p) => String(pick(p).actual))],
    [
      '  missing',
      '',
      ...phases.map((p) => {
        const missing = pick(p).missing.length;
        const failed = ofFailed(p);
        return failed > 0 ? `${missing} (${failed} of failed users)` : String(missing);
      }),
    ],
    ['  duplicated', '', ...phases.map((p) => String(pick(p).duplicated.length))],
    ['  unexpected', '', ...phases.map((p) => String(pick(p).unexpected.length))],
  ];
}

export function formatReport(result: CampaignResult): string {
  const { options, population, faults, phases, reference } = result;
  const api = faults.api;
  const events = (kind: string) => faults.events.filter((e) => e.kind === kind);
  const firedAt = (kind: string) =>
    events(kind)
      .map((e) => pct(e.firedAt))
      .join(', ') || 'none planned';
  const mysqlKilled = events('mysql-kill').reduce((n, e) => n + (Number(/^(\d+) worker/.exec(e.detail)?.[1]) || 0), 0);
  const ferret =
    events('ferretdb-restart')
      .map((e) => `${pct(e.firedAt)} (${e.detail})`)
      .join('; ') || 'none';
  const chaos = phases[0];

  const lines = [
    `Fault campaign: ${population.users.toLocaleString('en-US')} users, seed ${options.seed}, ${seconds(result.durationMs)} in all` +
      ` (chaos sweep ${chaos ? seconds(chaos.durationMs) : '—'}, follow-up ${phases[1] ? seconds(phases[1].durationMs) : '—'})`,
    '',
    'Faults',
    `  Bytemark (requests): 5xx ${api['5xx'] ?? 0}, 429 with Retry-After ${api['429'] ?? 0}, 5 s hang ${api.hang ?? 0}, ` +
      `malformed JSON ${api['malformed-json'] ?? 0}, truncated body ${api['truncated-body'] ?? 0}, ` +
      `missing pass array ${api['missing-pass-array'] ?? 0}`,
    `  Bytemark session expired: ${population.sessionExpired} users; persistent fault (token no key decrypts): ` +
      `users ${population.persistentFault.join(', ')}`,
    `  worker SIGKILL at ${firedAt('worker-kill')} of the sweep (${faults.workerStarts} worker processes in all)`,
    `  FerretDB restart at ${ferret}`,
    `  MariaDB KILL CONNECTION at ${firedAt('mysql-kill')}: ${mysqlKilled} worker connections`,
    `  refresh-log queue run (on-demand refreshes overlapping the sweep) at ${firedAt('queue-run')}`,
    `  population: ${population.noCache} without cache, ${population.changed} changed, ${population.failedAuth} failed-auth, ` +
      `${population.noToken} without token, ${population.queued} with a queue row`,
    '',
  ];

  const header = ['', 'clean run', ...phases.map((p) => p.name)];
  const outcomeRows = [...DEFINED_OUTCOMES, NOT_REACHED].map((o) => [
    `users ${o}`,
    String(reference.outcomes[o] ?? 0),
    ...phases.map((p) => String(p.outcomes[o] ?? 0)),
  ]);
  const rows: string[][] = [
    ...outcomeRows,
    ...comparisonRows(
      'audit entries',
      reference.auditEntries,
      phases,
      (p) => p.audit,
      (p) => p.auditMissingOfFailedUsers,
    ),
    ...comparisonRows(
      'free-ticket rows',
      reference.freeTicketRows,
      phases,
      (p) => p.freeTickets,
      (p) => p.freeTicketsMissingOfFailedUsers,
    ),
    [
      'failed users: untouched / pending recorded / completed / partial',
      '',
      ...phases.map(
        (p) =>
          `${p.failedUsers.untouched} / ${p.failedUsers.pendingRecorded} / ${p.failedUsers.completed} / ${p.failedUsers.partial.length}`,
      ),
    ],
    ['caches with pending effects', '', ...phases.map((p) => String(p.pendingEffects))],
    ['workflows still open', '', ...phases.map((p) => String(p.openWorkflows.length))],
    ['  (+ on-demand alerts singleton)', '', ...phases.map((p) => String(p.longLivedWorkflows.length))],
    ['staging left after cleanup', '', ...phases.map((p) => String(p.staging))],
    [
      'free-ticket pushes: sent / users without / twice',
      '',
      ...phases.map(
        (p) => `${p.pushes.received} / ${p.pushes.usersWithoutPush.length} / ${p.pushes.usersPushedTwice.length}`,
      ),
    ],
    [
      'sweep: seen / skipped fresh / refreshed / failed',
      '',
      ...phases.map((p) => {
        const progress = p.sweep.progress;
        if (!progress) return `error: ${p.sweep.error ?? '?'}`;
        const refreshed = Object.values(progress.refreshed).reduce((a, b) => a + (b ?? 0), 0);
        const types = Object.entries(progress.failures.byType).map(([t, e]) => `${t} ${e.count}`);
        return `${progress.usersSeen} / ${progress.skippedFresh} / ${refreshed} / ${progress.failed}${types.length ? ` (${types.join(', ')})` : ''}`;
      }),
    ],
    [
      'outcome differs from the clean run (queue users aside)',
      '',
      ...phases.map((p) => String(p.outcomeMismatches.length)),
    ],
    ['cache differs from the clean run', '', ...phases.map((p) => String(p.cacheMismatches.length))],
    [
      'refresh-log queue: refreshed / deferred / failed rows',
      '',
      ...phases.map((p) =>
        p.queue.result
          ? `${p.queue.result.usersRefreshed} / ${p.queue.result.usersDeferred} / ${p.queue.result.rowsFailed}`
          : `— (${p.queue.error ?? ''})`,
      ),
    ],
  ];
  lines.push(table(header, rows));
  lines.push('');
  for (const e of faults.events)
    lines.push(`  ${e.kind.padEnd(17)} planned ${pct(e.plannedAt)}, fired ${pct(e.firedAt)}: ${e.detail}`);
  lines.push('');
  lines.push(
    `cleanup: ${result.cleanup.terminated} workflows terminated, ${result.cleanup.schedulesDeleted} schedule deleted, task queue ${result.taskQueue}`,
  );
  lines.push(
    result.problems.length === 0
      ? 'targets met: 0 missing, 0 duplicated, 0 open, every user in a defined outcome'
      : `targets missed:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  return lines.join('\n');
}
