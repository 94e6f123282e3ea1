import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createUserRefreshActivities } from '@btc/activities';
import { TokenStorageModeError } from '@btc/data';
import type { UserRefreshInput } from '@btc/workflows';
import { openHarness, uniqueTaskQueue, type Harness } from '@btc/worker-runtime/testing';

/**
 * An adopted database whose `btc_settings.token_storage_mode` row is gone (a restore of the platform's
 * tables, a hand-made schema): reading it as `encrypted-only` would write ciphertext over the plaintext
 * the platform's other services read. The service fails closed instead.
 */
const USER = 31_401;
let h: Harness;
let modeBefore: string;

beforeAll(async () => {
  h = await openHarness({ users: 1, passesPerUser: 2, firstUserId: USER });
  await h.reset();
  await h.seedTokens();
  const [row] = await h.dependencies.sequelize.query<{ value: string }>(
    `SELECT value FROM btc_settings WHERE name = 'token_storage_mode'`,
    { type: QueryTypes.SELECT },
  );
  modeBefore = row?.value ?? 'encrypted-only';
});
beforeEach(() => h.dependencies.sequelize.query(`DELETE FROM btc_settings WHERE name = 'token_storage_mode'`));
afterEach(() =>
  h.dependencies.sequelize.query(
    `INSERT INTO btc_settings (name, value) VALUES ('token_storage_mode', ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`,
    { replacements: [modeBefore] },
  ),
);
afterAll(() => h?.close());

/** `apps/worker/src/main.ts` in its own process, until it exits or says it runs (then it is killed). */
function runWorkerApp(): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts')], {
    env: { ...h.workerEnv(uniqueTaskQueue('mode')), WORKER_HEALTH_PORT: '0', WORKER_METRICS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker running')) child.kill('SIGKILL');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('a database without a token storage mode', () => {
  jest.setTimeout(120_000);

  it('the worker refuses to start, naming the setting to set', async () => {
    const { code, output } = await runWorkerApp();
    expect(output).not.toContain('worker running');
    expect(code).toBe(1);
    expect(output).toContain('btc_settings has no token_storage_mode row');
  });

  it("a refresh that needs a re-login refuses before logging in, and the platform's plaintext row stays as it was", async () => {
    const [account] = await h.admin.users();
    // The original platform's row: plaintext password and token, read by its other services.
    await h.dependencies.sequelize.query('UPDATE bytemark_tokens SET password = ?, token = ? WHERE user_id = ?', {
      replacements: [account!.password, account!.token, USER],
    });
    await h.admin.expireSession(USER);
    await h.admin.resetCounters();

    const refresh = new MockActivityEnvironment().run(
      createUserRefreshActivities(h.dependencies.deps).refreshUserTickets,
      {
        userId: USER,
        mode: 'check',
        trigger: 'manual',
        refreshId: 'no-mode',
      } satisfies UserRefreshInput,
    );
    await expect(refresh).rejects.toThrow(TokenStorageModeError);

    expect((await h.admin.counters())['POST /users/login']?.total ?? 0).toBe(0);
    const [row] = await h.dependencies.sequelize.query<{ password: string; token: string }>(
      'SELECT password, token FROM bytemark_tokens WHERE user_id = ?',
      { replacements: [USER], type: QueryTypes.SELECT },
    );
    expect(row).toEqual({ password: account!.password, token: account!.token });
  });
});
