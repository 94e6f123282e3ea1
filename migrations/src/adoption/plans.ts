import { QueryTypes, type Sequelize } from 'sequelize';
import type { MysqlMigration } from '../mysql/migration';
import { readAdoptions, type AdoptionRecord } from './adoption-records';
import { inspectMigration, type UpStep } from './inspect-migration';

export type { UpStep } from './inspect-migration';

/** The original platform's knex history, when its `knex_migrations` table is in this database (read, never touched). */
export interface KnexHistory {
  count: number;
  latest: string | null;
}

/** What `up` would do, read from the database without changing it. */
export interface UpPlan {
  database: string;
  knex: KnexHistory | null;
  /** Executed migrations, with how each one's table came to be (`applied` for those that create none). */
  executed: Array<{ migration: string; action: 'created' | 'adopted' | 'applied'; table: string | null }>;
  steps: UpStep[];
}

/** One migration `down` would revert, and what that does to the database. */
export interface DownStep {
  migration: string;
  table: string | null;
  /** `drop-table` / `drop-indexes`: drops what this project created; `keep`: adopted, left as it is; `run`: runs its down. */
  effect: 'drop-table' | 'drop-indexes' | 'keep' | 'run';
  summary: string;
}

export interface DownPlan {
  database: string;
  steps: DownStep[];
}

const SEQUELIZE_META = 'SequelizeMeta';

async function tableExists(sequelize: Sequelize, table: string): Promise<boolean> {
  const [row] = await sequelize.query<{ n: number }>(
    'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    { replacements: [table], type: QueryTypes.SELECT },
  );
  return Number(row?.n) > 0;
}

/** Executed migration names from `SequelizeMeta` (none when it does not exist yet), in the list's order. */
export async function executedMigrations(
  sequelize: Sequelize,
  migrations: MysqlMigration[],
): Promise<MysqlMigration[]> {
  if (!(await tableExists(sequelize, SEQUELIZE_META))) return [];
  const rows = await sequelize.query<{ name: string }>(`SELECT name FROM \`${SEQUELIZE_META}\``, {
    type: QueryTypes.SELECT,
  });
  const names = new Set(rows.map((r) => r.name));
  return migrations.filter((m) => names.has(m.name));
}

export async function readKnexHistory(sequelize: Sequelize): Promise<KnexHistory | null> {
  if (!(await tableExists(sequelize, 'knex_migrations'))) return null;
  const [row] = await sequelize.query<{ n: number; latest: string | null }>(
    'SELECT COUNT(*) AS n, MAX(name) AS latest FROM knex_migrations',
    { type: QueryTypes.SELECT },
  );
  return { count: Number(row?.n ?? 0), latest: row?.latest ?? null };
}

const tableOf = (m: MysqlMigration): string | null =>
  m.creates ? (m.creates.kind === 'table' ? m.creates.spec.table : m.creates.table) : null;

function executedAction(m: MysqlMigration, record: AdoptionRecord | undefined): 'created' | 'adopted' | 'applied' {
  if (!m.creates) return 'applied';
  return record?.action ?? 'created';
}

/** Reads the database (no change at all) and decides, for every pending migration, create / adopt / stop / run. */
export async function planUp(sequelize: Sequelize, migrations: MysqlMigration[]): Promise<UpPlan> {
  const executed = await executedMigrations(sequelize, migrations);
  const records = await readAdoptions(sequelize);
  const done = new Set(executed.map((m) => m.name));
  const steps: UpStep[] = [];
  for (const m of migrations) {
    if (!done.has(m.name)) steps.push(await inspectMigration(sequelize, m, records.get(m.name)));
  }
  return {
    database: sequelize.getDatabaseName(),
    knex: await readKnexHistory(sequelize),
    executed: executed.map((m) => ({
      migration: m.name,
      action: executedAction(m, records.get(m.name)),
      table: tableOf(m),
    })),
    steps,
  };
}

/** The migrations `down` would revert (`to`: omitted = the last one; a name = down to and including it; 0 = all). */
export async function planDown(
  sequelize: Sequelize,
  migrations: MysqlMigration[],
  to: string | 0 | undefined,
): Promise<DownPlan> {
  const newestFirst = (await executedMigrations(sequelize, migrations)).reverse();
  let count = Math.min(1, newestFirst.length);
  if (to === 0) count = newestFirst.length;
  else if (to !== undefined) {
    const index = newestFirst.findIndex((m) => m.name === to);
    if (index === -1) throw new Error(`${to} is not an executed migration: nothing to revert down to`);
    count = index + 1;
  }
  const records = await readAdoptions(sequelize);
  return {
    database: sequelize.getDatabaseName(),
    steps: newestFirst.slice(0, count).map((m): DownStep => {
      const table = tableOf(m);
      const action = executedAction(m, records.get(m.name));
      if (action === 'applied') return { migration: m.name, table, effect: 'run', summary: 'runs its down' };
      if (action === 'adopted') {
        return {
          migration: m.name,
          table,
          effect: 'keep',
          summary: `leaves ${table} as it is (adopted, not created by this project); forgets the record`,
        };
      }
      if (m.creates?.kind === 'indexes') {
        const names = m.creates.indexes.map((i) => i.name).join(', ');
        return {
          migration: m.name,
          table,
          effect: 'drop-indexes',
          summary: `drops indexes ${names} from ${table} (created by this project)`,
        };
      }
      return {
        migration: m.name,
        table,
        effect: 'drop-table',
        summary: `drops table ${table} (created by this project)`,
      };
    }),
  };
}
