import type { Sequelize } from 'sequelize';
import { PassInteractionRepository, createSequelize } from '@btc/data';
import { ensureTestMysqlDatabase, testDatabaseUrls, truncateMysqlTables } from '@btc/data/testing';
import { buildCli } from '../cli';
import { formatAnalytics } from './analytics.command';

describe('formatAnalytics', () => {
  const columns = ['pass_time', 'bytemark_pass_id', 'trip_id', 'travel_mode'];
  const rows = [
    { pass_time: '2025-03-01 00:00:00', bytemark_pass_id: 1, trip_id: null, travel_mode: 'bus, "express"' },
  ];

  it('writes CSV with the given header, quoting commas and quotes, and null as an empty field', () => {
    expect(formatAnalytics(rows, columns, 'csv')).toBe(
      'pass_time,bytemark_pass_id,trip_id,travel_mode\n2025-03-01 00:00:00,1,,"bus, ""express"""',
    );
  });

  it('prints the header of an empty result in CSV and in the table', () => {
    expect(formatAnalytics([], ['usage_date', 'daily_pass_usage'], 'csv')).toBe('usage_date,daily_pass_usage');
    expect(formatAnalytics([], ['usage_date', 'daily_pass_usage'], 'table').split('\n')).toEqual([
      'usage_date  daily_pass_usage',
      '----------  ----------------',
      '(no rows)',
    ]);
  });

  it('prints JSON with exactly the given keys, in order, and a one-row query as an object', () => {
    expect(JSON.parse(formatAnalytics([{ b: 2, a: 1, extra: 3 }], ['a', 'b'], 'json'))).toEqual([{ a: 1, b: 2 }]);
    expect(Object.keys(JSON.parse(formatAnalytics({ b: 2, a: 1 }, ['a', 'b'], 'json')) as object)).toEqual(['a', 'b']);
  });
});

/** Each query of the seed with the arguments to run it, and its column names (the contract with the dashboards). */
const QUERIES: Array<{ args: string[]; columns: string[] }> = [
  {
    args: ['history', '--user', 'alice'],
    columns: ['bytemark_pass_id', 'user_id', 'logged_on', 'created_on', 'modified_on'],
  },
  { args: ['frequency', '--from', '2025-03-01', '--to', '2025-03-31T23:59:59Z'], columns: ['usage_count', 'user_id'] },
  {
    args: ['daily', '--from', '2025-03-01', '--to', '2025-03-31T23:59:59Z'],
    columns: ['usage_date', 'daily_pass_usage'],
  },
  { args: ['hourly'], columns: ['usage_hour', 'hourly_count'] },
  {
    args: ['engagement', '--user', 'alice'],
    columns: ['total_interactions', 'first_interaction', 'last_interaction', 'engagement_days'],
  },
  {
    args: ['trips', '--user', 'alice'],
    columns: ['pass_time', 'bytemark_pass_id', 'trip_id', 'trip_start', 'travel_mode'],
  },
  { args: ['adoption', '--days', '36500'], columns: ['user_id', 'pass_usage_count'] },
];

describe('npm run cli -- analytics, on MariaDB', () => {
  let sequelize: Sequelize;
  let printed: string[];
  const savedMysqlUrl = process.env['MYSQL_URL'];

  beforeAll(async () => {
    const { mysqlUrl } = testDatabaseUrls();
    await ensureTestMysqlDatabase(mysqlUrl);
    process.env['MYSQL_URL'] = mysqlUrl;
    sequelize = createSequelize(mysqlUrl);
    await truncateMysqlTables(sequelize, ['hntb_bytemark_pass', 'hntb_trip']);
    const report = await new PassInteractionRepository(sequelize).logBatch([
      { bytemarkPassId: 1, userId: 'alice', loggedOn: '2025-03-01T08:15:00Z' },
      { bytemarkPassId: 2, userId: 'alice', loggedOn: '2025-03-03T17:40:00Z' },
      { bytemarkPassId: 3, userId: 'bob', loggedOn: '2025-03-03T08:05:00Z' },
    ]);
    expect(report.inserted).toBe(3);
    await sequelize.query(
      "INSERT INTO hntb_trip (trip_id, user_id, started_on, travel_mode) VALUES (10, 'alice', '2025-03-01 09:00:00', 'bus')",
    );
  });
  beforeEach(() => {
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    if (savedMysqlUrl === undefined) delete process.env['MYSQL_URL'];
    else process.env['MYSQL_URL'] = savedMysqlUrl;
    await sequelize.close();
  });

  async function run(args: string[]): Promise<string> {
    await buildCli()
      .exitOverride()
      .parseAsync(['node', 'cli', 'analytics', ...args]);
    return printed.join('\n');
  }

  it.each(QUERIES)('$args.0 prints the seed column names in JSON, CSV and table output', async ({ args, columns }) => {
    const json = JSON.parse(await run([...args, '--format', 'json'])) as object | object[];
    const jsonRows = Array.isArray(json) ? json : [json];
    expect(jsonRows.length).toBeGreaterThan(0);
    for (const row of jsonRows) expect(Object.keys(row)).toEqual(columns);

    printed = [];
    const csv = (await run([...args, '--format', 'csv'])).split('\n');
    expect(csv[0]).toBe(columns.join(','));
    expect(csv).toHaveLength(jsonRows.length + 1);

    printed = [];
    const table = (await run(args)).split('\n');
    expect(table[0]!.split(/\s+/)).toEqual(columns);
  });

  it('prints the values the seed queries compute', async () => {
    expect(
      JSON.parse(await run(['frequency', '--from', '2025-03-01', '--to', '2025-03-03T08:05:00Z', '--format', 'json'])),
    ).toEqual([
      { usage_count: 1, user_id: 'alice' },
      { usage_count: 1, user_id: 'bob' },
    ]);
    printed = [];
    expect(JSON.parse(await run(['engagement', '--user', 'alice', '--format', 'json']))).toEqual({
      total_interactions: 2,
      first_interaction: '2025-03-01 08:15:00',
      last_interaction: '2025-03-03 17:40:00',
      engagement_days: 2,
    });
    printed = [];
    expect(await run(['trips', '--user', 'alice', '--format', 'csv'])).toBe(
      [
        'pass_time,bytemark_pass_id,trip_id,trip_start,travel_mode',
        '2025-03-03 17:40:00,2,,,',
        '2025-03-01 08:15:00,1,10,2025-03-01 09:00:00,bus',
      ].join('\n'),
    );
  });

  it('the global --json is --format json, and refuses another --format', async () => {
    const byFormat = await run(['engagement', '--user', 'alice', '--format', 'json']);
    printed = [];
    await buildCli().exitOverride().parseAsync(['node', 'cli', '--json', 'analytics', 'engagement', '--user', 'alice']);
    expect(printed.join('\n')).toBe(byFormat);
    await expect(
      buildCli()
        .exitOverride()
        .parseAsync(['node', 'cli', '--json', 'analytics', 'engagement', '--user', 'alice', '--format', 'csv']),
    ).rejects.toThrow('--json prints JSON; it cannot go with --format csv');
  });

  it('refuses a period bound without a time zone, naming the option', async () => {
    await expect(run(['daily', '--from', '2025-03-01T00:00:00', '--to', '2025-03-31T23:59:59Z'])).rejects.toThrow(
      /--from "2025-03-01T00:00:00" has no time zone designator/,
    );
  });
});
