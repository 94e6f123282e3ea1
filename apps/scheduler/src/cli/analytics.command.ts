import { type Command, Option } from 'commander';
import {
  DAILY_PASS_USAGE_COLUMNS,
  DEFAULT_ADOPTION_DAYS,
  DEFAULT_HISTORY_LIMIT,
  HOURLY_USAGE_COLUMNS,
  PASS_HISTORY_COLUMNS,
  PASS_TRIP_CORRELATION_COLUMNS,
  PASS_USAGE_FREQUENCY_COLUMNS,
  PassAnalyticsRepository,
  TRANSIT_ADOPTION_COLUMNS,
  USER_ENGAGEMENT_COLUMNS,
  createSequelize,
  parseIsoDateTime,
  type Period,
} from '@btc/data';
import type { SchedulerConfig } from '../config';
import { UsageError, positiveInteger } from './context';

export type AnalyticsFormat = 'table' | 'json' | 'csv';

interface AnalyticsOptions {
  from?: string;
  to?: string;
  user?: string;
  days: string;
  limit: string;
  format: AnalyticsFormat;
}

interface AnalyticsQuery {
  /** The seed's column names, in its order: the header of the CSV and the table, the keys of the JSON. */
  columns: readonly string[];
  /** The seed's `.first()` queries print one JSON object instead of an array. */
  single?: boolean;
  run(repo: PassAnalyticsRepository, opts: AnalyticsOptions): Promise<object | object[]>;
}

/** One entry per query of the seed; its function name is in the help text. */
const QUERIES = {
  history: {
    columns: PASS_HISTORY_COLUMNS,
    run: (repo, opts) =>
      repo.userHistory({ userId: need(opts.user, '--user'), limit: positiveInteger(opts.limit, '--limit') }),
  },
  frequency: { columns: PASS_USAGE_FREQUENCY_COLUMNS, run: (repo, opts) => repo.usageFrequency(period(opts)) },
  daily: { columns: DAILY_PASS_USAGE_COLUMNS, run: (repo, opts) => repo.dailyUsage(period(opts)) },
  hourly: {
    columns: HOURLY_USAGE_COLUMNS,
    run: (repo, opts) => repo.hourlyDistribution(opts.from || opts.to ? period(opts) : undefined),
  },
  engagement: {
    columns: USER_ENGAGEMENT_COLUMNS,
    single: true,
    run: (repo, opts) => repo.userEngagement({ userId: need(opts.user, '--user') }),
  },
  trips: {
    columns: PASS_TRIP_CORRELATION_COLUMNS,
    run: (repo, opts) => repo.tripCorrelation({ userId: need(opts.user, '--user') }),
  },
  adoption: {
    columns: TRANSIT_ADOPTION_COLUMNS,
    run: (repo, opts) => repo.transitAdoption({ days: positiveInteger(opts.days, '--days') }),
  },
} satisfies Record<string, AnalyticsQuery>;
type QueryName = keyof typeof QUERIES;
const QUERY_NAMES = Object.keys(QUERIES) as QueryName[];

export function registerAnalyticsCommand(program: Command, config: () => SchedulerConfig): void {
  program
    .command('analytics <query>')
    .description(
      `the seed's research queries on hntb_bytemark_pass, with its column names (UTC): ${QUERY_NAMES.join(', ')}`,
    )
    .option('--from <iso>', 'start of the period, inclusive: YYYY-MM-DD (UTC) or an ISO date-time with a zone')
    .option('--to <iso>', 'end of the period, inclusive (frequency, daily; optional for hourly)')
    .option('--user <id>', 'hashed user id (history, engagement, trips)')
    .option('--days <n>', 'look-back window in days (adoption)', String(DEFAULT_ADOPTION_DAYS))
    .option('--limit <n>', 'rows (history)', String(DEFAULT_HISTORY_LIMIT))
    .addOption(
      new Option('--format <format>', 'output format (--json is --format json)').choices(['table', 'json', 'csv']),
    )
    .addHelpText(
      'after',
      '\nQueries (seed function → columns):\n' +
        '  history     getUserPassHistory           bytemark_pass_id, user_id, logged_on, created_on, modified_on\n' +
        '  frequency   getPassUsageFrequency        usage_count, user_id\n' +
        '  daily       getDailyPassUsagePattern     usage_date, daily_pass_usage\n' +
        '  hourly      getHourlyUsageDistribution   usage_hour, hourly_count\n' +
        '  engagement  getUserEngagementMetrics     total_interactions, first_interaction, last_interaction, engagement_days\n' +
        '  trips       correlatePassUsageWithTrips  pass_time, bytemark_pass_id, trip_id, trip_start, travel_mode\n' +
        '  adoption    analyzeTransitAdoptionRate   user_id, pass_usage_count\n' +
        '\nExamples:\n  npm run cli -- analytics daily --from 2025-03-01 --to 2025-03-31T23:59:59Z\n' +
        '  npm run cli -- analytics engagement --user a1b2c3 --format json',
    )
    .action(
      async (
        query: string,
        opts: Omit<AnalyticsOptions, 'format'> & { format?: AnalyticsFormat },
        command: Command,
      ) => {
        if (!(QUERY_NAMES as string[]).includes(query)) {
          throw new UsageError(`unknown query "${query}"; one of: ${QUERY_NAMES.join(', ')}`);
        }
        const json = Boolean((command.optsWithGlobals() as { json?: boolean }).json);
        if (json && opts.format !== undefined && opts.format !== 'json') {
          throw new UsageError(`--json prints JSON; it cannot go with --format ${opts.format}`);
        }
        const format: AnalyticsFormat = json ? 'json' : (opts.format ?? 'table');
        const spec: AnalyticsQuery = QUERIES[query as QueryName];
        const sequelize = createSequelize(config().mysqlUrl, { logging: false });
        try {
          const result = await spec.run(new PassAnalyticsRepository(sequelize), { ...opts, format });
          console.log(formatAnalytics(result, spec.columns, format));
        } finally {
          await sequelize.close();
        }
      },
    );
}

/**
 * Renders query rows with exactly the given columns, in order: JSON (an array, or the object itself
 * for a one-row query), CSV (RFC 4180, null as an empty field) or an aligned table (null as NULL).
 * The header is printed even when there are no rows.
 */
export function formatAnalytics(
  result: object | object[],
  columns: readonly string[],
  format: AnalyticsFormat,
): string {
  const rows = Array.isArray(result) ? result : [result];
  const pick = (r: object) => Object.fromEntries(columns.map((c) => [c, (r as Record<string, unknown>)[c] ?? null]));
  if (format === 'json') return JSON.stringify(Array.isArray(result) ? rows.map(pick) : pick(result), null, 2);
  const value = (r: object, c: string): string | null => {
    const v = (r as Record<string, unknown>)[c];
    return v === null || v === undefined ? null : String(v);
  };
  if (format === 'csv') {
    const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    return [columns.join(','), ...rows.map((r) => columns.map((c) => quote(value(r, c) ?? '')).join(','))].join('\n');
  }
  const cells = rows.map((r) => columns.map((c) => value(r, c) ?? 'NULL'));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const lines = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  if (rows.length === 0) lines.push('(no rows)');
  return lines.join('\n');
}

function need(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`${name} is required for this query`);
  return value;
}

/** `YYYY-MM-DD` is that day's UTC midnight; otherwise an ISO-8601 date-time with a zone (no local-time guessing). */
function instant(value: string | undefined, name: string): Date {
  const text = need(value, name);
  const parsed = parseIsoDateTime(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!parsed.ok) throw new UsageError(`${name} "${text}" ${parsed.reason}`);
  return parsed.date;
}

function period(opts: AnalyticsOptions): Period {
  const from = instant(opts.from, '--from');
  const to = instant(opts.to, '--to');
  if (to < from) throw new UsageError('--to is before --from');
  return { from, to };
}
