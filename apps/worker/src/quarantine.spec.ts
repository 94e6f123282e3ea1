import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { openHarnessRecordingSlack, type SlackRecordingHarness } from '@btc/worker-runtime/testing';

const USER = 460_001;
/** A pass uuid with a 4-byte character (an emoji): what a latin1 column can never hold. */
const EMOJI_UUID = 'free-pass-\u{1F39F}-0001';
let h: SlackRecordingHarness;

beforeAll(async () => {
  h = await openHarnessRecordingSlack({
    users: 1,
    passesPerUser: 2,
    firstUserId: USER,
  });
  await h.reset();
  await h.seedTokens();
  // An adopted database whose queue table kept the original's latin1 `note` column.
  await h.dependencies.sequelize.query(
    'ALTER TABLE bytemark_ticket_refresh_log MODIFY note VARCHAR(256) CHARACTER SET latin1 NULL',
  );
});
afterAll(async () => {
  await h?.dependencies.sequelize
    .query('ALTER TABLE bytemark_ticket_refresh_log MODIFY note VARCHAR(256) CHARACTER SET utf8mb4 NULL')
    .catch(() => undefined);
  await h?.close();
});

describe('a pending effect that can never be written', () => {
  jest.setTimeout(60_000);

  it('is moved to the quarantine with one alert, and the next refreshes of the user go on', async () => {
    const { deps } = h.dependencies;
    const [freeProduct] = h.config.cache.freeProductUuids;
    const results = await h.withWorkers(async (taskQueue) => {
      const refresh = () => requestTicketRefresh(h.client, USER, { taskQueue, wait: true });
      const built = await refresh();
      // A free ticket whose uuid the latin1 `note` of its queue row cannot hold (MySQL: incorrect string value).
      await h.admin.addPass(USER, { productUuid: freeProduct!, status: 'USABLE', uuid: EMOJI_UUID });
      const granted = await refresh();
      // The cache is not frozen: a purchase after it is committed and audited; the one after is unchanged.
      const bought = await h.admin.addPass(USER);
      const next = await refresh();
      const after = await refresh();
      return { built, granted, next, after, bought };
    });
    const quarantined = (await deps.quarantine.list({ limit: 10 })).filter((q) => q.user_id === USER);
    const alerts = h.slack.requests.map((r) => String((r.body as { text: string }).text));
    console.log(
      `refreshes: ${JSON.stringify([results.built, results.granted, results.next, results.after].map((r) => r.outcome))}; ` +
        `quarantined: ${JSON.stringify(quarantined.map((q) => ({ reason: q.reason, pending: q.pending })))}; alerts: ${JSON.stringify(alerts)}`,
    );

    expect(results.built).toMatchObject({ outcome: 'built' });
    expect(results.granted).toMatchObject({ outcome: 'updated', created: 1, newFreeTickets: 1 });
    expect(results.next).toMatchObject({ outcome: 'updated', created: 1, newFreeTickets: 0 });
    expect(results.after).toMatchObject({ outcome: 'unchanged', created: 0 });

    // Set aside once, with why (the driver's code, no value), and nothing left pending on the document.
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]?.pending.new_free).toEqual([EMOJI_UUID]);
    expect(quarantined[0]?.reason).toMatch(/1366/);
    expect(quarantined[0]?.reason).not.toContain(EMOJI_UUID);
    const doc = await deps.cache.findByUserId({ userId: USER });
    expect(doc?.pending).toBeNull();
    expect(doc?.passes.map((p) => p.pass_uuid)).toEqual(expect.arrayContaining([EMOJI_UUID, results.bought.uuid]));
    // The purchase after it was audited; no queue row holds the unwritable note.
    const audits = await deps.logs.countByUserId({ userId: USER });
    expect(audits).toBeGreaterThanOrEqual(4);
    expect(
      (await deps.refreshLog.listPendingNotificationRows({ limit: 100 })).filter((r) => r.userId === USER),
    ).toEqual([]);
    // One alert, naming the user and the quarantine.
    const quarantineAlerts = alerts.filter((t) => t.includes('quarantine'));
    expect(quarantineAlerts).toHaveLength(1);
    expect(quarantineAlerts[0]).toContain(`user ${USER}`);
    expect(quarantineAlerts[0]).not.toContain(EMOJI_UUID);
  });
});
