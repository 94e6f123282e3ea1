import { MockActivityEnvironment } from '@temporalio/testing';
import { createUserRefreshActivities } from '@btc/activities';
import { TokenCipher } from '@btc/data';
import type { RefreshSummary, UserRefreshInput } from '@btc/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

/** How often a refresh decrypts: the token once; the password only for a re-login. */
const FIRST = 31_301;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 2, passesPerUser: 3, firstUserId: FIRST });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

const refresh = (userId: number, mode: UserRefreshInput['mode'], refreshId: string): Promise<RefreshSummary> =>
  new MockActivityEnvironment().run(createUserRefreshActivities(h.dependencies.deps).refreshUserTickets, {
    userId,
    mode,
    trigger: 'manual',
    refreshId,
  } satisfies UserRefreshInput);

/** Decryptions made by `fn`, counted on every TokenCipher. */
async function decryptionsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; decryptions: number }> {
  const spy = jest.spyOn(TokenCipher.prototype, 'decrypt');
  try {
    const result = await fn();
    return { result, decryptions: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

describe('token decryption per refresh', () => {
  it('a refresh decrypts the token once and never the password', async () => {
    const build = await decryptionsDuring(() => refresh(FIRST, 'build', 'dec-build'));
    expect(build.result.outcome).toBe('built');
    expect(build.decryptions).toBe(1);

    const again = await decryptionsDuring(() => refresh(FIRST, 'check', 'dec-check'));
    expect(again.result.outcome).toBe('unchanged');
    expect(again.decryptions).toBe(1);
  });

  it('a re-login after an expired session decrypts the token again under the re-login lease and the password once, and the next refresh decrypts only the new token', async () => {
    const userId = FIRST + 1;
    await refresh(userId, 'build', 'dec-build-2');
    await h.admin.expireSession(userId);
    const relogin = await decryptionsDuring(() => refresh(userId, 'check', 'dec-relogin'));
    expect(relogin.result.outcome).not.toBe('failed-auth');
    // The stored token, read again once the user's re-login lease is held (another refresh may have
    // stored a new one meanwhile), then the password.
    expect(relogin.decryptions).toBe(3);

    const next = await decryptionsDuring(() => refresh(userId, 'check', 'dec-after-relogin'));
    expect(next.result.outcome).toBe('unchanged');
    expect(next.decryptions).toBe(1);
  });
});
