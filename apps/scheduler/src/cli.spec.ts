import { ConfigError } from '@btc/config';
import { RATE_LIMIT_CLI_COMMAND } from '@btc/workflows';
import { version } from '../package.json';
import { buildCli } from './cli';
import { runCliProcess } from './testing/cli-process';

describe('operator CLI', () => {
  it('offers every operator command', () => {
    const names = buildCli().commands.map((c) => c.name());
    expect(names).toEqual(
      expect.arrayContaining([
        'schedule',
        'refresh',
        'sweep',
        'bootstrap',
        'status',
        'tokens',
        'migrate',
        'analytics',
        'doctor',
        'queue',
        'bytemark',
      ]),
    );
    const bytemark = buildCli().commands.find((c) => c.name() === 'bytemark')!;
    expect(bytemark.commands.map((c) => c.name())).toEqual(['controls', 'rate-limit', 'pause', 'resume']);
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

  it("the command the sweep's overload alert names exists and takes the calls per second", async () => {
    const words = RATE_LIMIT_CLI_COMMAND.split(' -- ')[1]!.split(' ');
    expect(words).toEqual(['bytemark', 'rate-limit']);
    const cli = buildCli().exitOverride();
    await expect(cli.parseAsync(['node', 'cli', ...words, 'lots'])).rejects.toThrow(
      'the rate limit must be a number of calls per second above 0, at most 10000; got "lots"',
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

describe('the CLI as a script runs it (its own process, no terminal)', () => {
  // Nothing here may reach a service: an unreachable Temporal turns any attempt into exit 1, not 2.
  const env = { TEMPORAL_ADDRESS: '127.0.0.1:1', MYSQL_URL: 'mysql://root@127.0.0.1:1/none_test' };

  it('--version prints the package version and exits 0', async () => {
    const run = await runCliProcess(['--version'], env);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help documents the exit codes and the --json contract', async () => {
    const run = await runCliProcess(['--help'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Exit codes:\n {2}0 {2}ok\n {2}1 {2}error: .*\n {2}2 {2}usage: .*\n {2}3 {2}a check failed: doctor/,
    );
    expect(run.stdout).toContain('With --json, stdout holds exactly one JSON document');
    expect(run.stdout).toMatch(/--json +print the result as one JSON document/);
  });

  it('a bad argument exits 2 with the problem on stderr and nothing on stdout, --json or not', async () => {
    for (const args of [
      ['refresh', 'abc'],
      ['--json', 'refresh', 'abc'],
      ['status', '0', '--json'],
    ]) {
      const run = await runCliProcess(args, env);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/^error: user id must be a positive integer, got "(abc|0)"\n$/);
    }
  });

  it('an unknown command or option exits 2 (commander usage errors)', async () => {
    const unknownCommand = await runCliProcess(['nonsense'], env);
    expect(unknownCommand).toMatchObject({ code: 2, stdout: '' });
    expect(unknownCommand.stderr).toContain("error: unknown command 'nonsense'");
    const unknownOption = await runCliProcess(['status', '--no-such-option'], env);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("error: unknown option '--no-such-option'");
  });

  it('a rebuild of every cache without --yes and no terminal is refused with exit 2 before anything is started', async () => {
    const run = await runCliProcess(['sweep', '--mode', 'build', '--json'], env);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(
      'error: refusing to rebuild every cache from Bytemark (sweep --mode build) without --yes: ' +
        'stdin is not a terminal, so nobody can confirm; nothing was done\n',
    );
  });

  it('a failure exits 1 with the reason on stderr and nothing on stdout under --json', async () => {
    const run = await runCliProcess(['--json', 'refresh', '42'], env);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^error: cannot connect to Temporal at 127\.0\.0\.1:1/);
  });
});
