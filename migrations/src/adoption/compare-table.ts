import type { ActualColumn, ActualIndex, ActualTable } from './read-table';
import type { ColumnSpec, IndexSpec, TableSpec } from './table-spec';

/**
 * One difference between an existing table and what a migration would create.
 * - `stop`: this project cannot work with it (a needed column missing, an incompatible type, a key
 *   the upserts rely on missing); the run stops before changing anything.
 * - `note`: a difference this project works with; reported, and the table is adopted as it is.
 */
export interface Finding {
  severity: 'stop' | 'note';
  /** `column user_id`, `index PRIMARY`, `table` */
  subject: string;
  text: string;
}

const INTEGER_BYTES: Record<string, number> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, bigint: 8 };
const TEXT_LENGTH: Record<string, number> = {
  tinytext: 255,
  text: 65_535,
  mediumtext: 16_777_215,
  longtext: 4_294_967_295,
};

interface ParsedType {
  base: string;
  family: 'integer' | 'string' | 'datetime' | 'other';
  length?: number;
  unsigned: boolean;
}

export function parseColumnType(type: string): ParsedType {
  const m = /^(\w+)(?:\((\d+)(?:,\d+)?\))?(.*)$/.exec(type.trim().toLowerCase());
  const base = m?.[1] ?? type;
  const length = m?.[2] === undefined ? undefined : Number(m[2]);
  const unsigned = /\bunsigned\b/.test(m?.[3] ?? '');
  if (base in INTEGER_BYTES) return { base, family: 'integer', unsigned };
  if (base === 'varchar' || base === 'char') return { base, family: 'string', length, unsigned };
  if (base in TEXT_LENGTH) return { base, family: 'string', length: TEXT_LENGTH[base], unsigned };
  if (base === 'datetime' || base === 'timestamp') return { base, family: 'datetime', length, unsigned };
  return { base, family: 'other', length, unsigned };
}

function compareType(spec: ColumnSpec, actual: ActualColumn): Finding[] {
  const subject = `column ${spec.name}`;
  if (spec.type === actual.type) return [];
  const want = parseColumnType(spec.type);
  const have = parseColumnType(actual.type);
  const stop = (text: string): Finding[] => [{ severity: 'stop', subject, text }];
  const note = (text: string): Finding[] => [{ severity: 'note', subject, text }];
  if (want.family !== have.family || want.family === 'other') {
    return stop(`${actual.type} here, we create ${spec.type}: incompatible type`);
  }
  if (want.family === 'integer') {
    const wantBytes = INTEGER_BYTES[want.base] as number;
    const haveBytes = INTEGER_BYTES[have.base] as number;
    if (haveBytes < wantBytes) return stop(`${actual.type} here, we create ${spec.type}: too narrow for our values`);
    return note(`${actual.type} here, we create ${spec.type}: compatible`);
  }
  if (want.family === 'string') {
    const needed = spec.minLength ?? want.length ?? 0;
    const haveLength = have.length ?? 0;
    if (haveLength < needed) {
      return stop(`${actual.type} here; this project needs at least ${needed} characters (we create ${spec.type})`);
    }
    return note(
      haveLength < (want.length ?? 0)
        ? `${actual.type} here, we create ${spec.type}: enough (this project needs ${needed})`
        : `${actual.type} here, we create ${spec.type}: compatible`,
    );
  }
  return note(`${actual.type} here, we create ${spec.type}: compatible`);
}

function compareColumn(spec: ColumnSpec, actual: ActualColumn): Finding[] {
  const subject = `column ${spec.name}`;
  const findings = compareType(spec, actual);
  if (spec.nullable && !actual.nullable) {
    findings.push({ severity: 'stop', subject, text: 'NOT NULL here; this project writes NULL into it' });
  } else if (!spec.nullable && actual.nullable) {
    findings.push({ severity: 'note', subject, text: 'nullable here, we create it NOT NULL: compatible' });
  }
  const wantDefault = spec.default ?? null;
  if (wantDefault !== actual.default) {
    const needsDefault = wantDefault !== null && !spec.defaultOptional && !actual.nullable && actual.default === null;
    findings.push({
      severity: needsDefault ? 'stop' : 'note',
      subject,
      text: needsDefault
        ? `no default here; this project's inserts leave it to the default ${wantDefault}`
        : `default ${actual.default ?? 'none'} here, we create ${wantDefault ?? 'none'}`,
    });
  }
  if (spec.autoIncrement && !actual.autoIncrement) {
    findings.push({ severity: 'stop', subject, text: "not AUTO_INCREMENT here; this project's inserts omit it" });
  } else if (!spec.autoIncrement && actual.autoIncrement) {
    findings.push({ severity: 'note', subject, text: 'AUTO_INCREMENT here, we do not create it so' });
  }
  if (spec.onUpdateCurrentTimestamp && !actual.onUpdateCurrentTimestamp) {
    findings.push({
      severity: 'note',
      subject,
      text: 'no ON UPDATE CURRENT_TIMESTAMP here: it will not track updates',
    });
  } else if (!spec.onUpdateCurrentTimestamp && actual.onUpdateCurrentTimestamp) {
    findings.push({ severity: 'note', subject, text: 'ON UPDATE CURRENT_TIMESTAMP here, we do not create it so' });
  }
  if ((spec.comment ?? '') !== actual.comment) {
    findings.push({
      severity: 'note',
      subject,
      text: `comment '${actual.comment}' here, we create '${spec.comment ?? ''}'`,
    });
  }
  return findings;
}

const describeIndex = (i: { columns: string[]; unique: boolean }) =>
  `${i.unique ? 'unique ' : ''}(${i.columns.join(', ')})`;

const sameShape = (a: { columns: string[]; unique: boolean }, b: { columns: string[]; unique: boolean }) =>
  a.unique === b.unique && a.columns.join(',') === b.columns.join(',');

/** How one index this project creates shows in an existing table. */
export interface IndexMatch {
  spec: IndexSpec;
  /** `same`: by name and shape; `renamed`: the same shape under another name; `other`: the name holds another shape. */
  status: 'same' | 'renamed' | 'other' | 'missing';
  actual?: ActualIndex;
}

/** Matches by name first, then by shape (the same columns and uniqueness under another name counts as present). */
export function matchIndexes(
  specs: IndexSpec[],
  actual: ActualIndex[],
): { matches: IndexMatch[]; extra: ActualIndex[] } {
  const used = new Set<string>();
  const matches = specs.map((spec): IndexMatch => {
    const byName = actual.find((i) => i.name === spec.name);
    if (byName && sameShape(byName, spec)) {
      used.add(byName.name);
      return { spec, status: 'same', actual: byName };
    }
    const byShape = actual.find((i) => !used.has(i.name) && i.name !== spec.name && sameShape(i, spec));
    if (byShape) {
      used.add(byShape.name);
      return { spec, status: 'renamed', actual: byShape };
    }
    if (byName) {
      used.add(byName.name);
      return { spec, status: 'other', actual: byName };
    }
    return { spec, status: 'missing' };
  });
  return { matches, extra: actual.filter((i) => !used.has(i.name)) };
}

const indexSubject = (name: string) => (name === 'PRIMARY' ? 'primary key' : `index ${name}`);

export function indexFinding(match: IndexMatch): Finding | null {
  const { spec, status, actual } = match;
  const subject = indexSubject(spec.name);
  if (status === 'same') return null;
  if (status === 'renamed' && actual) {
    return { severity: 'note', subject, text: `present as ${actual.name} ${describeIndex(actual)}` };
  }
  const what =
    status === 'other' && actual
      ? `is ${describeIndex(actual)} here, we create ${describeIndex(spec)}`
      : `${describeIndex(spec)} missing`;
  return spec.required
    ? { severity: 'stop', subject, text: `${what}; this project's writes rely on it` }
    : { severity: 'note', subject, text: `${what}: queries on it will be slower (add it yourself if wanted)` };
}

/** Every index difference: ours missing or different, then indexes that are not ours. */
export function compareIndexes(specs: IndexSpec[], actual: ActualIndex[]): Finding[] {
  const { matches, extra } = matchIndexes(specs, actual);
  const findings = matches.map(indexFinding).filter((f): f is Finding => f !== null);
  for (const index of extra) {
    findings.push({
      severity: 'note',
      subject: indexSubject(index.name),
      text: `${describeIndex(index)} here, not created by us${index.unique ? ': rows this project writes must satisfy it' : ''}`,
    });
  }
  return findings;
}

/** Every difference between an existing table and the spec, column by column, then index by index. */
export function compareTable(spec: TableSpec, actual: ActualTable): Finding[] {
  if (actual.tableType !== 'BASE TABLE') {
    return [{ severity: 'stop', subject: 'table', text: `${spec.table} is a ${actual.tableType} here, not a table` }];
  }
  const findings: Finding[] = [];
  for (const column of spec.columns) {
    const found = actual.columns.find((c) => c.name === column.name);
    if (found) findings.push(...compareColumn(column, found));
    else if (column.optional) {
      findings.push({
        severity: 'note',
        subject: `column ${column.name}`,
        text: 'missing; this project does not use it',
      });
    } else {
      findings.push({
        severity: 'stop',
        subject: `column ${column.name}`,
        text: `missing; this project needs it (${column.type}${column.nullable ? ' NULL' : ' NOT NULL'})`,
      });
    }
  }
  for (const extra of actual.columns) {
    if (spec.columns.some((c) => c.name === extra.name)) continue;
    const insertFails = !extra.nullable && extra.default === null && !extra.autoIncrement && !extra.generated;
    findings.push({
      severity: insertFails ? 'stop' : 'note',
      subject: `column ${extra.name}`,
      text: insertFails
        ? `${extra.type} NOT NULL without a default here, not ours: this project's inserts do not set it`
        : `${extra.type} here, not ours: left as it is`,
    });
  }
  findings.push(...compareIndexes(spec.indexes, actual.indexes));
  return findings;
}
