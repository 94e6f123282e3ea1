import { WorkflowFailedError } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import { FREE_PRODUCT_UUIDS, PRODUCTS } from '@btc/bytemark-simulator';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 4, passesPerUser: 6, firstUserId: 5001 });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

const refresh = (taskQueue: string, userId: number) =>
  requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
const auditIds = async (userId: number) =>
  (await h.dependencies.deps.logs.findByUserId({ userId, limit: 10_000 })).map((e) => e._id);
async function freeTicketRows(userId: number): Promise<number> {
  const [row] = await h.dependencies.sequelize.query<{ n: number }>(
    'SELECT COUNT(*) AS n FROM bytemark_ticket_refresh_log WHERE user_id = ? AND activity_type = 2',
    { replacements: [userId], type: QueryTypes.SELECT },
  );
  return Number(row?.n);
}

/** One new pass, one changed pass and two free tickets: 4 audit entries and one free-ticket row to write. */
async function prepareChanges(userId: number): Promise<void> {
  const [first] = await h.admin.passes(userId);
  await h.admin.modifyPass(userId, first!.uuid, { label_name: 'changed while the log store was down' });
  const paid = PRODUCTS.find((p) => !(FREE_PRODUCT_UUIDS as readonly string[]).includes(p.uuid))!;
  await h.admin.addPass(userId, { status: 'USABLE', productUuid: paid.uuid });
  await h.admin.grantFreeTickets(userId, 2);
}

/** Makes one repository method fail (as if its database were down) until `restore()`. */
function breakWrites<T extends object, K extends keyof T>(repository: T, method: K): { restore(): void } {
  const original = repository[method];
  repository[method] = (async () => {
    throw new Error('the log store is unreachable (test)');
  }) as T[K];
  return {
    restore: () => {
      repository[method] = original;
    },
  };
}

describe('effects after the cache commit are never lost', () => {
  jest.setTimeout(180_000);

  it.each([
    ['the audit entries (MongoDB)', 5001, () => breakWrites(h.dependencies.deps.logs, 'insertMany')],
    ['the free-ticket row (MySQL)', 5002, () => breakWrites(h.dependencies.deps.refreshLog, 'recordFreeTickets')],
  ])(
    'when %s cannot be written until the activity gives up, the next refresh writes each exactly once',
    async (_label, userId, breakStore) => {
      await h.withWorkers(async (taskQueue) => {
        await refresh(taskQueue, userId);
        const before = await auditIds(userId);
        await prepareChanges(userId);

        const outage = breakStore();
        try {
          const failed = await refresh(taskQueue, userId).catch((e: unknown) => e);
          expect(failed).toBeInstanceOf(WorkflowFailedError);
        } finally {
          outage.restore();
        }
        // The cache holds the change, and the effects still to write with it.
        const committed = await h.dependencies.deps.cache.findByUserId({ userId });
        expect(committed?.pending?.changes).toHaveLength(4);

        const next = await refresh(taskQueue, userId);
        expect(next.outcome).toBe('unchanged');
        const after = await auditIds(userId);
        expect(after.length - before.length).toBe(4);
        expect(new Set(after).size).toBe(after.length);
        expect(await freeTicketRows(userId)).toBe(1);
        expect((await h.dependencies.deps.cache.findByUserId({ userId }))?.pending).toBeNull();

        // And again: nothing more is written.
        await refresh(taskQueue, userId);
        expect(await auditIds(userId)).toHaveLength(after.length);
        expect(await freeTicketRows(userId)).toBe(1);
      });
    },
  );
});
