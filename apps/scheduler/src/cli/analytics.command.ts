import { type Command, Option } from 'commander';
import { PassAnalyticsRepository, createSequelize } from '@btc/data';
import type { SchedulerConfig } from '../config';
import { CliError } from './context';

const QUERIES = ['history', 'frequency', 'daily', 'hourly', 'engagement', 'trips', 'adoption'] as const;
type Query = (typeof QUERIES)[number];

interface AnalyticsOptions {
  from?: string;
  to?: string;
  user?: string;
  days: string;
  limit: string;
  format: 'table' | 'json' | 'csv';
}

export function registerAnalyticsCommand(program: Command, config: () => SchedulerConfig): void {
  program
    .command('analytics <query>')
    .description(`research queries on hntb_bytemark_pass (UTC): ${QUERIES.join(', ')}`)
    .option('--from <iso>', 'start of the period, inclusive (frequency, daily; optional for hourly)')
    .option('--to <iso>', 'end of the period, inclusive')
    .option('--user <id>', 'hashed user id (history, engagement, trips)')
    .option('--days <n>', 'look-back window in days (adoption)', '30')
    .option('--limit <n>', 'rows (history)', '100')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .addHelpText(
      'after',
      '\nExamples:\n  npm run cli -- analytics daily --from 2025-03-01 --to 2025-03-31T23:59:59Z\n' +
        '  npm run cli -- analytics engagement --user a1b2c3 --format json',
    )
    .action(async (query: string, opts: AnalyticsOptions) => {
      if (!(QUERIES as readonly string[]).includes(query)) {
        throw new CliError(`unknown query "${query}"; one of: ${QUERIES.join(', ')}`);
      }
      const sequelize = createSequelize(config().mysqlUrl, { logging: false });
      try {
        const rows = await run(new PassAnalyticsRepository(sequelize), query as Query, opts);
        print(Array.isArray(rows) ? rows : [rows], opts.format);
      } finally {
        await sequelize.close();
      }
    });
}

async function run(repo: PassAnalyticsRepository, query: Query, opts: AnalyticsOptions): Promise<object | object[]> {
  switch (query) {
    case 'history':
      return repo.userHistory({ userId: need(opts.user, '--user'), limit: positive(opts.limit, '--limit') });
    case 'frequency':
      return repo.usageFrequency(period(opts));
    case 'daily':
      return repo.dailyUsage(period(opts));
    case 'hourly':
      return repo.hourlyDistribution(opts.from || opts.to ? period(opts) : {});
    case 'engagement':
      return repo.userEngagement({ userId: need(opts.user, '--user') });
    case 'trips':
      return repo.tripCorrelation({ userId: need(opts.user, '--user') });
    case 'adoption':
      return repo.transitAdoption({ days: positive(opts.days, '--days') });
  }
}

function need(value: string | undefined, name: string): string {
  if (!value) throw new CliError(`${name} is required for this query`);
  return value;
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function period(opts: AnalyticsOptions): { from: Date; to: Date } {
  const from = new Date(need(opts.from, '--from'));
  const to = new Date(need(opts.to, '--to'));
  if (Number.isNaN(from.getTime())) throw new CliError(`--from is not a date: "${opts.from}"`);
  if (Number.isNaN(to.getTime())) throw new CliError(`--to is not a date: "${opts.to}"`);
  if (to < from) throw new CliError('--to is before --from');
  return { from, to };
}

function print(rows: object[], format: AnalyticsOptions['format']): void {
  if (format === 'json') return console.log(JSON.stringify(rows, null, 2));
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (r: object, c: string) => String((r as Record<string, unknown>)[c] ?? '');
  if (format === 'csv') {
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    console.log([columns.join(','), ...rows.map((r) => columns.map((c) => quote(cell(r, c))).join(','))].join('\n'));
    return;
  }
  if (rows.length === 0) return console.log('(no rows)');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  console.log(
    [
      line(columns),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map((r) => line(columns.map((c) => cell(r, c)))),
    ].join('\n'),
  );
}
