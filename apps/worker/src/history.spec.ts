import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { TEST_TOKEN_KEYRING } from '@btc/data/testing';
import { refreshWorkflowId } from '@btc/workflows';
import { openHarness, type Harness } from './testing/harness';

/** `UPDATE_HISTORY_FIXTURES=1` rewrites the replay fixtures from these runs (then commit them). */
const UPDATE_FIXTURES = process.env['UPDATE_HISTORY_FIXTURES'] === '1';
const FIXTURES = join(__dirname, 'fixtures', 'histories');
const TEMPORAL_CLI = join(__dirname, '..', '..', '..', '.tools', 'bin', 'temporal');

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 3, passesPerUser: 10, firstUserId: 3001 });
  await h.reset();
  await h.admin.setPassCount(3002, 5000);
  await h.seedTokens();
});
afterAll(() => h?.close());

function exportHistory(workflowId: string): string {
  return execFileSync(
    TEMPORAL_CLI,
    ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', '127.0.0.1:7233'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

describe('workflow history', () => {
  jest.setTimeout(180_000);

  it('a per-user refresh is the same 15 events or fewer for 10 and for 5,000 passes: pass lists never enter history', async () => {
    const sizes = await h.withWorkers(async (taskQueue) => {
      const result: Record<string, { events: number; bytes: number }> = {};
      for (const [label, userId] of [
        ['10 passes', 3001],
        ['5,000 passes', 3002],
      ] as const) {
        const summary = await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
        expect(summary.outcome).toBe('built');
        expect(summary.created).toBe((await h.admin.passes(userId)).length);
        const history = await h.client.workflow.getHandle(refreshWorkflowId(userId)).fetchHistory();
        const json = exportHistory(refreshWorkflowId(userId));
        result[label] = { events: history.events?.length ?? 0, bytes: Buffer.byteLength(json) };
        if (UPDATE_FIXTURES)
          writeFileSync(join(FIXTURES, `refresh-build-${userId === 3001 ? 10 : 5000}-passes.json`), json);
      }
      return result;
    });
    console.log(`history per refresh: ${JSON.stringify(sizes)}`);
    const small = sizes['10 passes']!;
    const large = sizes['5,000 passes']!;
    expect(large.events).toBe(small.events);
    expect(small.events).toBeLessThanOrEqual(15);
    expect(large.bytes).toBeLessThan(small.bytes * 1.15);
  });

  it('holds no token, password, client secret or encryption key, even across a re-login', async () => {
    const userId = 3003;
    await h.admin.expireSession(userId);
    const json = await h.withWorkers(async (taskQueue) => {
      expect(await requestTicketRefresh(h.client, userId, { taskQueue, wait: true })).toMatchObject({
        outcome: 'built',
      });
      return exportHistory(refreshWorkflowId(userId));
    });
    if (UPDATE_FIXTURES) writeFileSync(join(FIXTURES, 'refresh-relogin.json'), json);
    const account = await h.admin.user(userId);
    const stored = await h.dependencies.deps.tokens.findByUserId(userId);
    // The re-login happened inside the refresh activity: the stored token is the simulator's new one.
    expect(stored?.token).toBe(account.token);
    expect(json).toContain('refreshUserTickets');
    const secrets = [
      account.token!,
      account.password,
      stored!.token!,
      h.config.bytemark.clientSecret!,
      ...TEST_TOKEN_KEYRING.split(/[,:]/),
    ];
    for (const secret of secrets) expect(json).not.toContain(secret);
  });
});
