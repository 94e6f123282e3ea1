import type { DownPlan, UpPlan } from './adoption/plans';

/** Thrown when a migration fails part-way; it has undone its partial work, and `cause` holds the original error. */
export class MigrationStepError extends Error {
  readonly type = 'MigrationStepError';
  constructor(
    readonly migration: string,
    readonly step: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`migration ${migration} failed at '${step}' and was rolled back: ${reason}`, options);
    this.name = 'MigrationStepError';
  }
}

/**
 * Thrown by `migrateUp` before it changes anything, when a table (or index) that a pending migration
 * would create already exists in a shape this project cannot work with. `plan` holds every pending
 * migration with its findings, column by column; the message lists the blocking ones.
 */
export class SchemaConflictError extends Error {
  readonly type = 'SchemaConflictError';
  constructor(readonly plan: UpPlan) {
    const stops = plan.steps.filter((s) => s.action === 'stop');
    const lines = stops.flatMap((s) => [
      `${s.migration}: ${s.summary}`,
      ...s.findings.filter((f) => f.severity === 'stop').map((f) => `  ${f.subject}: ${f.text}`),
    ]);
    super(
      `${stops.length} existing table${stops.length === 1 ? '' : 's'} in ${plan.database} differ from what the migrations need; nothing was changed:\n${lines.join('\n')}`,
    );
    this.name = 'SchemaConflictError';
  }
}

/** Thrown by `migrateDown` without `confirmed: true`: nothing was reverted; `plan` says what would be. */
export class DownNotConfirmedError extends Error {
  readonly type = 'DownNotConfirmedError';
  constructor(readonly plan: DownPlan) {
    super(
      `reverting ${plan.steps.length} migration(s) in ${plan.database} needs confirmation (--yes); nothing was reverted`,
    );
    this.name = 'DownNotConfirmedError';
  }
}

/** Thrown by `migrateDown` in production when the plan would drop a protected table (tokens, the queue, research data). */
export class ProductionDropRefusedError extends Error {
  readonly type = 'ProductionDropRefusedError';
  constructor(readonly tables: ReadonlyArray<{ table: string; migration: string; holds: string }>) {
    super(
      `refusing to drop ${tables.map((t) => t.table).join(', ')} with NODE_ENV=production: ` +
        tables.map((t) => `${t.table} holds ${t.holds} (reverting ${t.migration} would drop it)`).join('; ') +
        '. Back the tables up and revert by hand if you really mean to. Nothing was reverted.',
    );
    this.name = 'ProductionDropRefusedError';
  }
}

/**
 * Thrown by `migrateUp` and `migrateDown` when their signal was aborted (SIGTERM during a rollout):
 * the migration that was running finished (MySQL DDL cannot be stopped half-way safely), the next
 * ones did not start. Everything recorded is consistent; running the command again does the rest.
 */
export class MigrationInterruptedError extends Error {
  readonly type = 'MigrationInterruptedError';
  constructor(
    readonly direction: 'up' | 'down',
    /** Applied (up) or reverted (down) in this run, in order. */
    readonly done: readonly string[],
    /** Not started: migrations, and for `up` the MongoDB indexes. */
    readonly notRun: readonly string[],
    /** `SIGTERM`, `SIGINT`, or the abort reason. */
    readonly signal: string,
  ) {
    super(
      `${signal}: migrate ${direction} stopped after ${done.length ? `${done.at(-1)} finished` : 'no migration'}; ` +
        `${direction === 'up' ? 'applied' : 'reverted'} in this run: ${done.length ? done.join(', ') : 'none'}; ` +
        `not run: ${notRun.join(', ')}. Run \`migrate ${direction}\` again to do the rest.`,
    );
    this.name = 'MigrationInterruptedError';
  }
}
