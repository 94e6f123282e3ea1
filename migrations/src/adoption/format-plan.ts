import type { DownPlan, UpPlan } from './plans';

const ACTION_LABEL = { create: 'create', adopt: 'adopt', stop: 'STOP', run: 'run' } as const;

export function formatKnex(plan: UpPlan): string[] {
  if (!plan.knex) return [];
  const latest = plan.knex.latest ? `, latest ${plan.knex.latest}` : '';
  return [
    `knex_migrations found: the original platform's migration history (${plan.knex.count} recorded${latest}). Left as it is.`,
  ];
}

/** The pending migrations, one block each: action, name, what happens, and every difference found. */
export function formatUpSteps(plan: UpPlan): string[] {
  if (plan.steps.length === 0) return ['No pending migrations.'];
  const lines = ['Pending migrations:'];
  for (const step of plan.steps) {
    lines.push(`  ${ACTION_LABEL[step.action].padEnd(7)} ${step.migration}`);
    lines.push(`          ${step.summary}`);
    for (const f of step.findings) lines.push(`            ${f.severity.padEnd(5)} ${f.subject}: ${f.text}`);
  }
  return lines;
}

export function formatExecuted(plan: UpPlan): string[] {
  if (plan.executed.length === 0) return ['No executed migrations.'];
  return [
    'Executed migrations:',
    ...plan.executed.map((e) => `  ${e.action.padEnd(7)} ${e.migration}${e.table ? ` (${e.table})` : ''}`),
  ];
}

/** The full report `up` prints before applying, or instead of applying when a table differs. */
export function formatUpPlan(plan: UpPlan): string[] {
  return [`MySQL database ${plan.database}`, ...formatKnex(plan), ...formatUpSteps(plan)];
}

export function formatConflictEnd(plan: UpPlan): string[] {
  const stops = plan.steps.filter((s) => s.action === 'stop');
  const tables = stops.map((s) => s.table).join(', ');
  return [
    `Stopped before changing anything: ${tables} ${stops.length === 1 ? 'differs' : 'differ'} from what this project needs (the 'stop' lines above).`,
    "Make the table match (or rename it aside), then run 'npm run migrate -- up' again. Nothing was created, altered, recorded or dropped.",
  ];
}

export function formatDownPlan(plan: DownPlan): string[] {
  if (plan.steps.length === 0) return [`MySQL database ${plan.database}: nothing to revert.`];
  return [
    `MySQL database ${plan.database}: reverting ${plan.steps.length} migration(s), newest first:`,
    ...plan.steps.map((s) => `  ${s.migration}: ${s.summary}`),
  ];
}
