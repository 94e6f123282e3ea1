import { loadConfig } from '@btc/config';
import { writePaceControls } from '@btc/data';
import { TEST_TOKEN_KEYRING } from '@btc/data/testing';
import { migrateUp } from '@btc/migrations';
import { deleteScheduleIfPresent, ensureSchedule, ensureSearchAttributes, hourlyScheduleOptions } from '@btc/schedules';
import { openHarness, uniqueTaskQueue, type Harness } from '@btc/worker-runtime/testing';
import { buildCli } from '../cli';
import { DOCTOR_CONFIG_SECTIONS, formatDoctor, runDoctor, type DoctorCheck, type DoctorConfig } from './doctor-checks';

/** `doctor` against the real stack: the dev server, the `_test` databases, the simulator, real workers. */
describe('cli doctor', () => {
  let h: Harness;
  let config: DoctorConfig;
  let env: NodeJS.ProcessEnv;
  let tokens: string[];
  const scheduleId = `bytemark-ticket-cache-hourly-doctor-${process.pid}`;
  const failing = (checks: DoctorCheck[]) => checks.filter((c) => !c.ok).map((c) => c.name);

  beforeAll(async () => {
    h = await openHarness({ users: 3, passesPerUser: 1 });
    env = h.workerEnv('unused');
    config = loadConfig(env, DOCTOR_CONFIG_SECTIONS);
    // A healthy stack is a migrated one (idempotent; `npm test` has usually done it already).
    await migrateUp({ mysqlUrl: config.mysqlUrl, mongoUrl: config.mongoUrl });
    await h.reset();
    tokens = (await h.seedTokens()).flatMap((a) => [a.password, ...(a.token ? [a.token] : [])]);
    await ensureSearchAttributes(h.client, config.temporal.namespace);
  });
  afterAll(async () => {
    await deleteScheduleIfPresent(h.client, scheduleId);
    await h.close();
  });

  async function scheduleOn(taskQueue: string): Promise<void> {
    await ensureSchedule(h.client, {
      ...hourlyScheduleOptions({ taskQueue, maxInFlight: 5 }),
      scheduleId,
      state: { paused: false, note: 'doctor spec' },
    });
    await h.client.schedule.getHandle(scheduleId).unpause('doctor spec');
  }

  it('on a healthy stack every check passes: namespace, attributes, schedule, pollers on both queues, databases, key, API', async () => {
    await h.withWorkers(async (taskQueue) => {
      await scheduleOn(taskQueue);
      let checks: DoctorCheck[] = [];
      // Workers register as pollers with their first long poll, a moment after they start.
      for (let attempt = 0; attempt < 20; attempt++) {
        checks = await runDoctor(config, { taskQueue, scheduleIds: [scheduleId] });
        if (failing(checks).length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(failing(checks)).toEqual([]);
      expect(checks.map((c) => c.name)).toEqual([
        'temporal',
        'search attributes',
        `schedule ${scheduleId}`,
        `pollers ${taskQueue}`,
        `pollers ${taskQueue}.bytemark-api`,
        'mysql',
        'migrations',
        'token key',
        'capacity',
        'mongodb',
        'mongodb indexes',
        'bytemark customer api',
        'bytemark account api',
      ]);
      expect(checks.find((c) => c.name === 'token key')?.detail).toMatch(
        /decrypts a stored row under every key id: '\w+' \(\d+ values\)/,
      );
      expect(checks.find((c) => c.name === `schedule ${scheduleId}`)?.detail).toMatch(/^active, .*next run \d{4}-/);
      // Three token users (seeded), the harness's 1000 calls/s: one sweep covers them many times over.
      expect(checks.find((c) => c.name === 'capacity')?.detail).toMatch(
        /^3 token users \(\d due, \d past the TTL\); at 1000 calls\/s 1710000 refreshes\/hour, 1282500 per sweep; oldest cache never$/,
      );
      expect(formatDoctor(checks).at(-1)).toBe(`doctor: all ${checks.length} checks ok`);
    });
  });

  it('with no worker polling and the schedule paused, doctor fails those checks and says how to fix each', async () => {
    const idle = uniqueTaskQueue('doctor-idle');
    await scheduleOn(idle);
    await h.client.schedule.getHandle(scheduleId).pause('Bytemark outage');

    const checks = await runDoctor(config, { taskQueue: idle, scheduleIds: [scheduleId] });

    expect(failing(checks)).toEqual([`schedule ${scheduleId}`, `pollers ${idle}`, `pollers ${idle}.bytemark-api`]);
    const lines = formatDoctor(checks);
    expect(lines.find((l) => l.includes(`schedule ${scheduleId}`))).toMatch(
      new RegExp(`^FAIL .*paused \\("Bytemark outage"\\).*fix: \`npm run cli -- schedule unpause --id ${scheduleId}\``),
    );
    expect(lines.find((l) => l.includes(`pollers ${idle}.bytemark-api`))).toMatch(
      /^FAIL .*no activity poller in the last 90 s {2}-> fix: start the worker/,
    );
    expect(lines.at(-1)).toBe(`doctor: 3 of ${checks.length} checks FAILED`);
  });

  it('a TOKEN_ENCRYPTION_KEY that cannot decrypt the stored rows fails the key check without printing a key or a token', async () => {
    const wrongKey = `k9:${Buffer.alloc(32, 9).toString('base64')}`;
    const checks = await runDoctor(
      { ...config, tokenEncryptionKeys: wrongKey },
      { taskQueue: uniqueTaskQueue('doctor-key'), scheduleIds: [] },
    );

    const key = checks.find((c) => c.name === 'token key');
    expect(key).toMatchObject({ ok: false, detail: expect.stringMatching(/cannot decrypt a stored row/) });
    const printed = formatDoctor(checks).join('\n');
    for (const secret of [wrongKey, ...TEST_TOKEN_KEYRING.split(','), ...tokens]) {
      expect(printed).not.toContain(secret.split(':').at(-1));
    }
  });

  it('paused Bytemark calls, or more token users than one sweep can refresh, fail the capacity check with the fix', async () => {
    const target = { taskQueue: uniqueTaskQueue('doctor-capacity'), scheduleIds: [] };
    const capacity = async (rps: number) =>
      (await runDoctor({ ...config, bytemark: { ...config.bytemark, rateLimitRps: rps } }, target)).find(
        (c) => c.name === 'capacity',
      )!;
    try {
      await writePaceControls(h.dependencies.sequelize, { paused: { at: 1_800_000_000, reason: 'Bytemark outage' } });
      expect(await capacity(1000)).toMatchObject({
        ok: false,
        detail: expect.stringMatching(/^Bytemark calls PAUSED since 2027-01-15T08:00:00\.000Z \("Bytemark outage"\)/),
        fix: '`npm run cli -- bytemark resume` once Bytemark is back',
      });
      await writePaceControls(h.dependencies.sequelize, { paused: null });
      // 0.001 calls/s: about 1 refresh a sweep, for 3 token users.
      expect(await capacity(0.001)).toMatchObject({
        ok: false,
        detail: expect.stringMatching(/^one sweep cannot refresh every token user: 3 token users .* 1 per sweep/),
        fix: expect.stringMatching(/^about 1 calls\/s would cover them: `npm run cli -- bytemark rate-limit 1`/),
      });
    } finally {
      await writePaceControls(h.dependencies.sequelize, { paused: null, rateLimitRps: null });
    }
  });

  describe('as a command', () => {
    const saved = { ...process.env };
    let printed: string[];
    beforeEach(() => {
      printed = [];
      jest.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(...String(line).split('\n')));
    });
    afterEach(() => {
      jest.restoreAllMocks();
      process.env = { ...saved };
      process.exitCode = 0;
    });

    it('exits non-zero with one FAIL line per check that depends on an unreachable Temporal or Bytemark', async () => {
      Object.assign(process.env, env, {
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        BYTEMARK_CUSTOMER_API_URL: 'http://user:pa55word@127.0.0.1:9/v1',
        BYTEMARK_ACCOUNT_API_URL: 'http://127.0.0.1:9',
      });
      await buildCli().exitOverride().parseAsync(['node', 'cli', 'doctor']);

      expect(process.exitCode).toBe(3);
      expect(printed[0]).toMatch(/^ok {4}config/);
      expect(printed.find((l) => / temporal /.test(l))).toMatch(
        /^FAIL .*cannot connect to Temporal at 127\.0\.0\.1:1.*-> fix: /,
      );
      expect(
        printed.filter((l) => l.startsWith('FAIL') && l.includes('not checked: Temporal is unreachable')),
      ).toHaveLength(5);
      expect(printed.find((l) => l.includes('bytemark customer api'))).toMatch(
        /^FAIL .*http:\/\/127\.0\.0\.1:9 does not answer/,
      );
      expect(printed.join('\n')).not.toContain('pa55word');
      expect(printed.find((l) => l.includes('mongodb indexes'))).toMatch(/^ok /);
    });

    it('--json prints one document: ok, every check, and the capacity numbers; exit 3 when a check fails', async () => {
      Object.assign(process.env, env);
      await buildCli().exitOverride().parseAsync(['node', 'cli', '--json', 'doctor']);

      const report = JSON.parse(printed.join('\n')) as {
        ok: boolean;
        checks: DoctorCheck[];
        capacity: { tokenUsers: number; rateLimitRps: number; refreshesPerHour: number } | null;
      };
      // The command checks the production schedules and queues, which this suite does not create.
      expect(report.ok).toBe(false);
      expect(process.exitCode).toBe(3);
      expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['temporal', 'capacity', 'token key']));
      expect(report.checks.find((c) => c.name === 'capacity')).toMatchObject({ ok: true });
      expect(report.capacity).toMatchObject({ tokenUsers: 3, rateLimitRps: 1000, refreshesPerHour: 1_710_000 });
    });

    it('a bad variable is one FAIL line naming it, and nothing else is tried', async () => {
      Object.assign(process.env, env, { MONGO_URL: 'not-a-url' });
      await buildCli().exitOverride().parseAsync(['node', 'cli', 'doctor']);

      expect(process.exitCode).toBe(3);
      expect(printed).toHaveLength(2);
      expect(printed[0]).toMatch(/^FAIL {2}config {2}MONGO_URL: .*-> fix: set the variables named here/);
      expect(printed[0]).not.toContain('not-a-url');
    });
  });
});
