import { ConfigError } from '@btc/config';
import { buildCli } from './cli';

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

describe('the CLI configuration', () => {
  const saved = process.env['MONGO_URL'];
  afterEach(() => {
    if (saved === undefined) delete process.env['MONGO_URL'];
    else process.env['MONGO_URL'] = saved;
  });

  it('a bad variable stops a command with a message naming it, never its value', async () => {
    process.env['MONGO_URL'] = 'secret-not-a-url';
    const error: unknown = await buildCli()
      .exitOverride()
      .parseAsync(['node', 'cli', 'status', '1'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['MONGO_URL']);
    expect((error as ConfigError).message).not.toContain('secret-not-a-url');
  });
});
