import type { RowDataPacket } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import type { BytemarkClient } from '@btc/bytemark-client';
import { TICKET_CACHE_STATE_TABLE, parseMysqlUrl } from '@btc/data';
import { testDatabaseUrls } from '@btc/data/testing';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import type { RefreshSummary } from '@btc/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

const USER = 450_001;
/** How long MySQL keeps dropping this database's connections. */
const BLIP_MS = 3_000;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 1, passesPerUser: 2, firstUserId: USER });
  await h.reset();
  await h.seedTokens();
  await h.dependencies.deps.states.enrol();
});
afterAll(() => h?.close());

/**
 * A MySQL blip, from a root connection of its own: for `BLIP_MS` every other connection to the test
 * database is killed (`KILL CONNECTION`), every 50 ms. The user's state row is held locked meanwhile,
 * so a write the refresh sends during the blip waits on it and is killed with its connection.
 */
async function mysqlBlip(userId: number): Promise<{ kills: number }> {
  const { mysqlUrl } = testDatabaseUrls();
  const db = parseMysqlUrl(mysqlUrl).database;
  const root = await createConnection({ uri: mysqlUrl });
  let kills = 0;
  try {
    await root.beginTransaction();
    await root.query(`SELECT user_id FROM ${TICKET_CACHE_STATE_TABLE} WHERE user_id = ? FOR UPDATE`, [userId]);
    const until = Date.now() + BLIP_MS;
    while (Date.now() < until) {
      const [rows] = await root.query<Array<{ id: number } & RowDataPacket>>(
        'SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()',
        [db],
      );
      for (const { id } of rows) {
        await root.query(`KILL CONNECTION ${Number(id)}`).then(
          () => (kills += 1),
          () => undefined, // gone already
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await root.rollback();
  } finally {
    await root.end();
  }
  return { kills };
}

describe('a MySQL blip right after the Bytemark fetch', () => {
  jest.setTimeout(60_000);

  it('the refresh retries its database step in place and ends built, with one v1 and one v4 call, showing the step and its time', async () => {
    const { deps } = h.dependencies;
    // The blip starts the moment the v4 list has arrived: the lists are fetched, nothing is written yet.
    let blip: Promise<{ kills: number }> | null = null;
    // An own property over the class's method (the client's private fields need the real instance as `this`).
    const bytemark = deps.bytemark;
    const listPassHistory = bytemark.listPassHistory.bind(bytemark);
    bytemark.listPassHistory = async (...args: Parameters<BytemarkClient['listPassHistory']>) => {
      const list = await listPassHistory(...args);
      blip ??= mysqlBlip(USER);
      return list;
    };
    await h.admin.resetCounters();
    const heartbeats: unknown[] = [];
    try {
      const summary = await h.withWorkers(async (taskQueue) => {
        const handle = await requestTicketRefresh(h.client, USER, { taskQueue, mode: 'check' });
        const result = handle.result() as Promise<RefreshSummary>;
        let done = false;
        void result.finally(() => (done = true)).catch(() => undefined);
        // What the UI shows on the pending activity: its heartbeat details.
        while (!done) {
          const { raw } = await handle.describe();
          for (const a of raw.pendingActivities ?? []) {
            const data = a.heartbeatDetails?.payloads?.[0]?.data;
            if (data) heartbeats.push(JSON.parse(Buffer.from(data).toString()));
          }
          await new Promise((r) => setTimeout(r, 200));
        }
        return result;
      });
      const { kills } = await blip!;
      const counters = await h.admin.counters();
      console.log(
        `blip: ${kills} connections killed over ${BLIP_MS} ms; result ${JSON.stringify(summary)}; ` +
          `heartbeats ${JSON.stringify(heartbeats)}; Bytemark calls ${JSON.stringify(
            Object.fromEntries(Object.entries(counters).map(([route, c]) => [route, c.total])),
          )}`,
      );

      expect(kills).toBeGreaterThan(0);
      expect(summary).toMatchObject({ outcome: 'built', created: 2 });
      // The lists were fetched once: the retry was of the database step, not of the activity.
      expect(counters['GET /passes']?.total).toBe(1);
      expect(counters['GET /v4.0/passes']?.total).toBe(1);
      // The UI saw which step was being retried; the result has each step's time, the retried one taking the blip.
      expect(heartbeats).toContainEqual({ step: 'logs', retrying: expect.any(Number) });
      expect(Object.keys(summary.timings ?? {}).sort()).toEqual(['fetch', 'logs', 'reconcile', 'state', 'token']);
      expect((await deps.states.find(USER))?.outcome).toBe('built');
    } finally {
      delete (bytemark as Partial<BytemarkClient>).listPassHistory;
    }
  });
});
