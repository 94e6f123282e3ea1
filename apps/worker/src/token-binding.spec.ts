import { QueryTypes } from 'sequelize';
import { WorkflowFailedError } from '@temporalio/client';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

const A = 23_001;
const B = 23_002;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 2, passesPerUser: 4, firstUserId: A });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

const storedToken = async (userId: number) => {
  const [row] = await h.dependencies.sequelize.query<{ token: string }>(
    'SELECT token FROM bytemark_tokens WHERE user_id = ?',
    { replacements: [userId], type: QueryTypes.SELECT },
  );
  return row?.token ?? '';
};

describe("a token's ciphertext is bound to its row and column", () => {
  jest.setTimeout(120_000);

  it("a token value copied from user A's row into B's fails to decrypt for B: B's refresh fails with a clear error and B's cache never holds A's passes", async () => {
    await h.withWorkers(async (taskQueue) => {
      await requestTicketRefresh(h.client, B, { taskQueue, wait: true });
      const before = await h.dependencies.deps.cache.findByUserId({ userId: B });
      const aPasses = (await h.admin.passes(A)).map((p) => p.uuid);

      // Someone with write access to the table (or a bad data fix) copies A's stored token into B's row.
      await h.dependencies.sequelize.query('UPDATE bytemark_tokens SET token = ? WHERE user_id = ?', {
        replacements: [await storedToken(A), B],
      });
      await expect(h.dependencies.deps.tokens.findToken(B)).rejects.toThrow(
        /bytemark_tokens\.token of user 23002.*another row or column/,
      );
      const error = await requestTicketRefresh(h.client, B, { taskQueue, wait: true, mode: 'build' }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect(JSON.stringify((error as WorkflowFailedError).cause)).toContain('TokenDecryptionError');

      const after = await h.dependencies.deps.cache.findByUserId({ userId: B });
      expect(after?.passes.map((p) => p.pass_uuid)).toEqual(before?.passes.map((p) => p.pass_uuid));
      const cached = [...(after?.passes ?? []), ...(after?.passes4 ?? [])].map((p) => p.pass_uuid);
      expect(cached.filter((uuid) => aPasses.includes(uuid))).toEqual([]);
      // A's own row still works.
      await expect(requestTicketRefresh(h.client, A, { taskQueue, wait: true })).resolves.toMatchObject({
        outcome: expect.stringMatching(/built|updated|unchanged/),
      });
    });
  });
});
