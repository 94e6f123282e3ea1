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
