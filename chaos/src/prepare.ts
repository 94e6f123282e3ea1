/**
 * The state a campaign starts from, the same in both sets of databases: every token user seeded, a
 * cache built for most (in-process, with the real refresh activity), then copied as is into the
 * reference databases; then the simulator changes what the next refresh must find, and every cache is
 * made stale. What only the chaos databases get (unreadable tokens, expired sessions, queue rows) is
 * applied after the reference run, by `applyChaosOnlyState`.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createUserRefreshActivities } from '@btc/activities';
import { FREE_PRODUCT_UUIDS, PRODUCTS } from '@btc/bytemark-simulator';
import {
  BYTEMARK_TOKENS_TABLE,
  REFRESH_ACTIVITY,
  REFRESH_LOG_TABLE,
  TICKET_CACHE_COLLECTION,
  TICKET_CACHE_STATE_TABLE,
  TICKET_LOG_COLLECTION,
  TokenCipher,
  tokenBinding,
} from '@btc/data';
import { ensureMongoIndexes } from '@btc/migrations';
import { forEachLimit } from '@btc/tools';
import type { RefreshMode, RefreshSummary, RefreshTrigger } from '@btc/workflows';
import { assertChaosDatabase, type ChaosEnvironment, type DatabaseSet, type Log } from './environment';
import type { ChangeKind, Population } from './population';

const SILENT = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** A refresh run in this process (no Temporal): the activity itself, as the worker would run it. */
export async function refreshInProcess(
  set: DatabaseSet,
  p: { userId: number; mode: RefreshMode; trigger: RefreshTrigger; refreshId: string },
): Promise<RefreshSummary> {
  const { refreshUserTickets } = createUserRefreshActivities(set.dependencies.deps);
  return new MockActivityEnvironment(undefined, { logger: SILENT }).run(refreshUserTickets, p);
}

/** Seeds every user's account, builds the caches of all but `noCache`, and empties the logs the build wrote. */
export async function seedAndBuild(env: ChaosEnvironment, population: Population, log: Log): Promise<void> {
  const { chaos, admin } = env;
  await admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
  // One at a time: concurrent upserts into the unique user_id index deadlock on InnoDB gap locks.
  for (const a of await admin.users()) await chaos.dependencies.deps.tokens.upsertAccount({ ...a, status: 'used' });
  const noCache = new Set(population.noCache);
  const toBuild = population.userIds.filter((id) => !noCache.has(id));
  await forEachLimit(toBuild, 8, (userId) =>
    refreshInProcess(chaos, { userId, mode: 'build', trigger: 'manual', refreshId: `chaos-prepare/${userId}` }),
  );
  // The build's audit entries and free-ticket rows are the past: only the sweep's are compared.
  await chaos.dependencies.sequelize.query(`DELETE FROM \`${REFRESH_LOG_TABLE}\``);
  await chaos.dependencies.mongo.db!.collection(TICKET_LOG_COLLECTION).drop();
  await ensureMongoIndexes(chaos.dependencies.mongo);
  log(`prepare: ${population.userIds.length} accounts seeded, ${toBuild.length} caches built`);
}

/** Accounts that cannot log in (wrong stored password) and accounts without a token. */
export async function breakAccounts(env: ChaosEnvironment, population: Population): Promise<void> {
  const { tokens } = env.chaos.dependencies.deps;
  for (const userId of population.failedAuth) {
    const account = await env.admin.user(userId);
    await tokens.upsertAccount({ ...account, password: `${account.password}-changed`, status: 'used' });
  }
  if (population.noToken.length > 0) {
    await env.chaos.dependencies.sequelize.query(
      `UPDATE \`${BYTEMARK_TOKENS_TABLE}\` SET token = NULL WHERE user_id IN (?)`,
      { replacements: [population.noToken] },
    );
  }
}

/** Copies the chaos databases' accounts, refresh states and caches into the (empty) reference databases. */
export async function copyToReference(env: ChaosEnvironment): Promise<void> {
  const { chaos, reference } = env;
  assertChaosDatabase(chaos.name);
  assertChaosDatabase(reference.name);
  for (const table of [BYTEMARK_TOKENS_TABLE, TICKET_CACHE_STATE_TABLE]) {
    await reference.dependencies.sequelize.query(
      `INSERT INTO \`${reference.name}\`.\`${table}\` SELECT * FROM \`${chaos.name}\`.\`${table}\``,
    );
  }
  const from = chaos.dependencies.mongo.db!.collection(TICKET_CACHE_COLLECTION);
  const to = reference.dependencies.mongo.db!.collection(TICKET_CACHE_COLLECTION);
  let batch: Array<Record<string, unknown>> = [];
  for await (const doc of from.find({})) {
    batch.push(doc);
    if (batch.length === 100) {
      await to.insertMany(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await to.insertMany(batch);
}

const PAID_PRODUCT = PRODUCTS.find((p) => !(FREE_PRODUCT_UUIDS as readonly string[]).includes(p.uuid))!;

/** What changed at Bytemark since the caches were built, and the revoked tokens of `failedAuth`. */
export async function applyChanges(env: ChaosEnvironment, population: Population, seed: number): Promise<void> {
  const { admin } = env;
  const change = async ([userId, kind]: [number, ChangeKind]) => {
    const passes = await admin.passes(userId);
    const current = passes.find((p) => p.status === 'USABLE' || p.status === 'USING') ?? passes[0];
    switch (kind) {
      case 'modify':
        if (current) await admin.modifyPass(userId, current.uuid, { label_name: `chaos ${seed} modified` });
        break;
      case 'add':
        await admin.addPass(userId, { status: 'USABLE', productUuid: PAID_PRODUCT.uuid });
        break;
      case 'expire':
        if (current) await admin.expirePass(userId, current.uuid);
        break;
      case 'free-tickets':
        await admin.grantFreeTickets(userId, 2);
        break;
    }
  };
  await forEachLimit([...population.changes], 8, change);
  for (const userId of population.failedAuth) await admin.revokeToken(userId);
}

/**
 * Every cache refreshed two hours ago (refresh state and document), in both sets, so the sweep selects
 * every token user; returns the second the campaign's writes start from.
 */
export async function makeStale(env: ChaosEnvironment): Promise<number> {
  await new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));
  const startSec = Math.floor(Date.now() / 1000);
  for (const set of [env.chaos, env.reference]) {
    await set.dependencies.sequelize.query(
      `UPDATE \`${TICKET_CACHE_STATE_TABLE}\` SET refreshed_at = ?, checked_at = ?, next_due_at = ?`,
      {
        replacements: [startSec - 7200, startSec - 7200, startSec - 7200],
      },
    );
    await set.dependencies.mongo
      .db!.collection(TICKET_CACHE_COLLECTION)
      .updateMany({}, { $set: { timestamp: startSec - 7200 } });
  }
  return startSec;
}

/** A keyring with the right key id and the wrong key material: what a row written with a wrong key looks like. */
const WRONG_KEY_CIPHER = TokenCipher.fromKeyring(`dev:${Buffer.alloc(32, 9).toString('base64')}`);

/**
 * What only the chaos run meets: tokens no key can decrypt (`persistentFault`), expired Bytemark
 * sessions, and type-1 rows in the refresh-log queue.
 */
export async function applyChaosOnlyState(env: ChaosEnvironment, population: Population): Promise<void> {
  const { sequelize, deps } = env.chaos.dependencies;
  for (const userId of population.persistentFault) {
    const { token } = await env.admin.user(userId);
    await sequelize.query(`UPDATE \`${BYTEMARK_TOKENS_TABLE}\` SET token = ? WHERE user_id = ?`, {
      replacements: [WRONG_KEY_CIPHER.encrypt(token ?? 'none', tokenBinding(userId, 'token')), userId],
    });
  }
  for (const userId of population.sessionExpired) await env.admin.expireSession(userId);
  for (const userId of population.queued) {
    await deps.refreshLog.insert({ userId, activityType: REFRESH_ACTIVITY.refreshNow });
  }
}

/** The persistent fault removed: the users' tokens readable again (the follow-up sweep must then apply their changes). */
export async function repairPersistentFaults(env: ChaosEnvironment, population: Population): Promise<void> {
  for (const userId of population.persistentFault) {
    const { token } = await env.admin.user(userId);
    if (token) await env.chaos.dependencies.deps.tokens.updateToken(userId, token);
  }
}
