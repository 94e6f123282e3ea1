import type { MysqlMigration } from '../mysql/migration';
import type { AdoptionRecord } from './adoption-records';
import { compareTable, indexFinding, matchIndexes, type Finding } from './compare-table';
import { readTable } from './read-table';
import type { Sequelize } from 'sequelize';

/**
 * What `up` will do with one pending migration, decided from the database as it is:
 * - `create`: its table (or its indexes) does not exist; the migration runs.
 * - `adopt`: it exists and this project can work with it; recorded as applied, not touched.
 * - `stop`: it exists and differs in a way this project cannot work with; nothing is changed.
 * - `run`: a migration that creates no table of its own; it runs.
 */
export interface UpStep {
  migration: string;
  action: 'create' | 'adopt' | 'stop' | 'run';
  table: string | null;
  summary: string;
  findings: Finding[];
  /** `adopt` of a table an earlier, interrupted run of this migration created: recorded as `created`. */
  createdEarlier?: boolean;
}

/**
 * `record`: this pending migration's adoption record, if any. One that says `created` means an
 * earlier run created the table and stopped before umzug recorded the migration; the table is ours.
 */
export async function inspectMigration(
  sequelize: Sequelize,
  migration: MysqlMigration,
  record?: AdoptionRecord,
): Promise<UpStep> {
  const creates = migration.creates;
  const step = (action: UpStep['action'], table: string | null, summary: string, findings: Finding[] = []) => ({
    migration: migration.name,
    action,
    table,
    summary,
    findings,
  });
  if (!creates) return step('run', null, 'runs (creates no table of its own)');

  if (creates.kind === 'table') {
    const { table } = creates.spec;
    const actual = await readTable(sequelize, table);
    if (!actual) return step('create', table, `creates table ${table}`);
    if (creates.anyShape) {
      const differs = compareTable(creates.spec, actual).length > 0;
      const note: Finding = {
        severity: 'note',
        subject: 'table',
        text: `columns here: ${actual.columns.map((c) => c.name).join(', ')}; ours would have been: ${creates.spec.columns.map((c) => c.name).join(', ')}`,
      };
      return step('adopt', table, `${table} exists: left as it is, whatever its shape`, differs ? [note] : []);
    }
    const findings = compareTable(creates.spec, actual);
    if (findings.some((f) => f.severity === 'stop')) {
      return step('stop', table, `${table} exists and differs from what this project needs`, findings);
    }
    if (record?.action === 'created') {
      return {
        ...step('adopt', table, `${table} was created by an earlier run that did not finish: recorded as applied`),
        createdEarlier: true,
      };
    }
    return step(
      'adopt',
      table,
      findings.length === 0
        ? `${table} exists and matches: recorded as applied, not touched`
        : `${table} exists and is compatible: recorded as applied, not touched`,
      findings,
    );
  }

  const { table, indexes } = creates;
  const names = indexes.map((i) => i.name).join(', ');
  const actual = await readTable(sequelize, table);
  if (!actual) return step('create', table, `adds indexes ${names} to ${table}`);
  const matches = matchIndexes(indexes, actual.indexes).matches;
  const findings = matches.map(indexFinding).filter((f): f is Finding => f !== null);
  if (matches.every((m) => m.status === 'same' || m.status === 'renamed')) {
    if (record?.action === 'created') {
      return {
        ...step(
          'adopt',
          table,
          `indexes ${names} were added by an earlier run that did not finish: recorded as applied`,
        ),
        createdEarlier: true,
      };
    }
    return step('adopt', table, `indexes ${names} exist on ${table}: recorded as applied, not touched`, findings);
  }
  if (matches.every((m) => m.status === 'missing')) return step('create', table, `adds indexes ${names} to ${table}`);
  return step(
    'stop',
    table,
    `indexes on ${table} differ: only some of ${names} exist, or a name holds other columns`,
    findings.map((f) => ({ ...f, severity: 'stop' as const })),
  );
}
