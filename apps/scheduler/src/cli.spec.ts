import { buildCli } from './cli';
import { loadSchedulerConfig } from './config';

describe('operator CLI', () => {
  it('offers every operator command', () => {
    const names = buildCli().commands.map((c) => c.name());
    expect(names).toEqual(
      expect.arrayContaining(['schedule', 'refresh', 'sweep', 'bootstrap', 'status', 'tokens', 'migrate', 'analytics']),
    );
    const schedule = buildCli().commands.find((c) => c.name() === 'schedule')!;
    expect(schedule.commands.map((c) => c.name())).toEqual(
      expect.arrayContaining(['ensure', 'describe', 'pause', 'unpause', 'trigger', 'backfill', 'delete']),
    );
  });

  it('rejects a user id that is not a positive integer before connecting anywhere', async () => {
    const cli = buildCli().exitOverride();
    await expect(cli.parseAsync(['node', 'cli', 'refresh', 'abc'])).rejects.toThrow(
      /user id must be a positive integer/,
    );
  });

  it('rejects an unknown analytics query by name', async () => {
    const cli = buildCli().exitOverride();
    await expect(cli.parseAsync(['node', 'cli', 'analytics', 'nonsense'])).rejects.toThrow(/unknown query "nonsense"/);
  });
});

describe('loadSchedulerConfig', () => {
  it('defaults to the local stack and names a bad variable without its value', () => {
    expect(loadSchedulerConfig({}).temporal.address).toBe('127.0.0.1:7233');
    expect(() => loadSchedulerConfig({ SWEEP_MAX_IN_FLIGHT: '0' })).toThrow(/SWEEP_MAX_IN_FLIGHT/);
    expect(() => loadSchedulerConfig({ MONGO_URL: 'secret-not-a-url' })).toThrow(/MONGO_URL/);
    expect(() => loadSchedulerConfig({ MONGO_URL: 'secret-not-a-url' })).not.toThrow(/secret-not-a-url/);
  });
});
