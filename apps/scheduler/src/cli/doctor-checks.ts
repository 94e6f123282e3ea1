import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { connectClient, describeMysqlTls, formatError, knownSecrets, type Config } from '@btc/config';
import {
  BytemarkTokensRepository,
  MONGO_INDEXES,
  TokenCipher,
  TokenStorageModeError,
  TokenStorageNotMigratedError,
  connectMongo,
  createSequelize,
  explainMysqlConnectionFailure,
  parseMysqlUrl,
} from '@btc/data';
import { migrationStatus } from '@btc/migrations';
import { RATE_LIMIT_CLI_COMMAND, SEARCH_ATTRIBUTES, bytemarkTaskQueue } from '@btc/workflows';
import { formatAge, readCapacity, type Capacity } from './capacity';

/** What `doctor` reads: everything the worker and the CLI connect to. */
export const DOCTOR_CONFIG_SECTIONS = ['temporal', 'mysql', 'mongo', 'tokens', 'bytemark', 'cache'] as const;
export type DoctorConfig = Config<(typeof DOCTOR_CONFIG_SECTIONS)[number]>;

/** One line of `doctor`: what was checked, whether it holds, what was seen, and on failure how to fix it. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** The `capacity` check's numbers, for `doctor --json`. */
  capacity?: Capacity;
}

export interface DoctorTargets {
  /** The workflow task queue; its `.bytemark-api` queue is checked too. */
  taskQueue: string;
  scheduleIds: readonly string[];
  /** A poller counts as live when it polled this recently (an idle worker re-polls about every minute). */
  pollerMaxAgeMs?: number;
  /** Per network check. */
  timeoutMs?: number;
}

const { IndexedValueType, TaskQueueType, TaskQueueKind } = temporal.api.enums.v1;
const INDEXED_VALUE_TYPE = {
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
} as const;
const START_STACK = 'start the local stack (`npm run stack -- up`) or fix the URL';
const NOT_CHECKED = 'not checked:';

/**
 * Runs every check and returns one result each, in a fixed order; never throws for a failed check.
 * Reads only: it writes nothing anywhere, and prints no secret (URLs without credentials, key ids not keys).
 */
export async function runDoctor(config: DoctorConfig, targets: DoctorTargets): Promise<DoctorCheck[]> {
  const timeoutMs = targets.timeoutMs ?? 5_000;
  const [temporalChecks, mysqlChecks, mongoChecks, bytemarkChecks] = await Promise.all([
    checkTemporal(config, targets, timeoutMs),
    checkMysql(config),
    checkMongo(config),
    checkBytemark(config, timeoutMs),
  ]);
  return [...temporalChecks, ...mysqlChecks, ...mongoChecks, ...bytemarkChecks];
}

/** One line through the one error serializer: type, code and message, never a URL's credentials or the environment's secrets. */
function messageOf(error: unknown): string {
  return formatError(error, { secrets: knownSecrets(process.env) })[0] ?? '';
}

async function checkTemporal(config: DoctorConfig, targets: DoctorTargets, timeoutMs: number): Promise<DoctorCheck[]> {
  const { address, namespace } = config.temporal;
  const queues = [targets.taskQueue, bytemarkTaskQueue(targets.taskQueue)];
  const dependents = (why: string): DoctorCheck[] => [
    { name: 'search attributes', ok: false, detail: `${NOT_CHECKED} ${why}` },
    ...targets.scheduleIds.map((id) => ({ name: `schedule ${id}`, ok: false, detail: `${NOT_CHECKED} ${why}` })),
    ...queues.map((q) => ({ name: `pollers ${q}`, ok: false, detail: `${NOT_CHECKED} ${why}` })),
  ];
  let client: Client;
  try {
    client = await connectClient(config.temporal, { connectTimeoutMs: timeoutMs });
  } catch (error) {
    return [
      {
        name: 'temporal',
        ok: false,
        detail: messageOf(error),
        fix: `${START_STACK} (TEMPORAL_ADDRESS)`,
      },
      ...dependents('Temporal is unreachable'),
    ];
  }
  try {
    try {
      await client.workflowService.describeNamespace({ namespace });
    } catch (error) {
      return [
        {
          name: 'temporal',
          ok: false,
          detail: `${address} reachable, but namespace "${namespace}" is not: ${messageOf(error)}`,
          fix: `create it (\`temporal operator namespace create -n ${namespace}\`) or set TEMPORAL_NAMESPACE`,
        },
        ...dependents(`namespace "${namespace}" is missing`),
      ];
    }
    const checks: DoctorCheck[] = [
      { name: 'temporal', ok: true, detail: `${address} reachable, namespace "${namespace}" registered` },
      await checkSearchAttributes(client, namespace),
    ];
    for (const id of targets.scheduleIds) checks.push(await checkSchedule(client, id));
    const maxAgeMs = targets.pollerMaxAgeMs ?? 90_000;
    checks.push(await checkPollers(client, namespace, targets.taskQueue, ['workflow', 'activity'], maxAgeMs));
    checks.push(await checkPollers(client, namespace, queues[1]!, ['activity'], maxAgeMs));
    return checks;
  } finally {
    await client.connection.close();
  }
}

async function checkSearchAttributes(client: Client, namespace: string): Promise<DoctorCheck> {
  const name = 'search attributes';
  try {
    const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
    const problems = Object.values(SEARCH_ATTRIBUTES).flatMap((a) => {
      const registered = customAttributes?.[a.name];
      if (registered === undefined) return [`${a.name} missing`];
      return registered === INDEXED_VALUE_TYPE[a.type] ? [] : [`${a.name} has another type than ${a.type}`];
    });
    const names = Object.values(SEARCH_ATTRIBUTES).map((a) => a.name);
    return problems.length === 0
      ? { name, ok: true, detail: `${names.join(', ')} registered` }
      : { name, ok: false, detail: problems.join('; '), fix: 'register them: `npm run cli -- schedule ensure`' };
  } catch (error) {
    return { name, ok: false, detail: messageOf(error), fix: 'check the Temporal server logs' };
  }
}

async function checkSchedule(client: Client, scheduleId: string): Promise<DoctorCheck> {
  const name = `schedule ${scheduleId}`;
  try {
    const d = await client.schedule.getHandle(scheduleId).describe();
    const next = d.info.nextActionTimes[0];
    const last = d.info.recentActions.at(-1)?.takenAt;
    const runs = `last run ${last ? last.toISOString() : 'never'}, next run ${next ? next.toISOString() : 'none'}`;
    if (d.state.paused) {
      return {
        name,
        ok: false,
        detail: `paused${d.state.note ? ` ("${d.state.note}")` : ''}; ${runs}`,
        fix: `\`npm run cli -- schedule unpause --id ${scheduleId}\` once the reason is gone`,
      };
    }
    if (!next) return { name, ok: false, detail: `active but ${runs}`, fix: '`npm run cli -- schedule ensure`' };
    return { name, ok: true, detail: `active, ${runs}` };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) {
      return { name, ok: false, detail: 'missing', fix: 'create it: `npm run cli -- schedule ensure`' };
    }
    return { name, ok: false, detail: messageOf(error), fix: 'check the Temporal server logs' };
  }
}

async function checkPollers(
  client: Client,
  namespace: string,
  taskQueue: string,
  kinds: ReadonlyArray<'workflow' | 'activity'>,
  maxAgeMs: number,
): Promise<DoctorCheck> {
  const name = `pollers ${taskQueue}`;
  try {
    const seen: string[] = [];
    const missing: string[] = [];
    for (const kind of kinds) {
      const { pollers } = await client.connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType:
          kind === 'workflow' ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      });
      const live = (pollers ?? []).filter((p) => {
        const seconds = Number(p.lastAccessTime?.seconds ?? 0);
        return Date.now() - seconds * 1000 <= maxAgeMs;
      });
      if (live.length === 0) missing.push(kind);
      else seen.push(`${kind}: ${live.map((p) => p.identity ?? '?').join(', ')}`);
    }
    const window = `in the last ${Math.round(maxAgeMs / 1000)} s`;
    return missing.length === 0
      ? { name, ok: true, detail: `polled ${window} by ${seen.join('; ')}` }
      : {
          name,
          ok: false,
          detail: `no ${missing.join(' or ')} poller ${window}`,
          fix: 'start the worker (`npm run worker`, or the worker container) with this TEMPORAL_ADDRESS and namespace',
        };
  } catch (error) {
    return { name, ok: false, detail: messageOf(error), fix: 'check the Temporal server logs' };
  }
}

async function checkMysql(config: DoctorConfig): Promise<DoctorCheck[]> {
  const database = new URL(config.mysqlUrl).pathname.slice(1);
  const sequelize = createSequelize(config.mysqlUrl, { logging: false, pool: { max: 2 } });
  try {
    try {
      await sequelize.authenticate();
    } catch (error) {
      const why = 'MySQL is unreachable';
      return [
        {
          name: 'mysql',
          ok: false,
          detail: `cannot open database "${database}": ${messageOf(explainMysqlConnectionFailure(error, config.mysqlUrl))}`,
          fix: `${START_STACK} (MYSQL_URL, MYSQL_SSL_*); a missing database is created by \`npm run migrate -- up\``,
        },
        { name: 'migrations', ok: false, detail: `${NOT_CHECKED} ${why}` },
        { name: 'token key', ok: false, detail: `${NOT_CHECKED} ${why}` },
        { name: 'capacity', ok: false, detail: `${NOT_CHECKED} ${why}` },
      ];
    }
    const migrations = await checkMigrations(config.mysqlUrl);
    return [
      {
        name: 'mysql',
        ok: true,
        detail: `database "${database}" reachable, ${describeMysqlTls(parseMysqlUrl(config.mysqlUrl).tls)}`,
      },
      migrations,
      await checkTokenKey(config, sequelize),
      migrations.ok
        ? await checkCapacity(config, sequelize)
        : { name: 'capacity', ok: false, detail: `${NOT_CHECKED} migrations are pending` },
    ];
  } finally {
    await sequelize.close();
  }
}

async function checkMigrations(mysqlUrl: string): Promise<DoctorCheck> {
  const name = 'migrations';
  try {
    const { executed, pending } = await migrationStatus({ mysqlUrl });
    return pending.length === 0
      ? { name, ok: true, detail: `up to date (${executed.length} applied, last ${executed.at(-1) ?? 'none'})` }
      : {
          name,
          ok: false,
          detail: `${pending.length} pending: ${pending.join(', ')}`,
          fix: 'apply them: `npm run migrate -- up` (`status` first shows what it will do)',
        };
  } catch (error) {
    return { name, ok: false, detail: messageOf(error), fix: '`npm run migrate -- status` shows the details' };
  }
}

async function checkTokenKey(
  config: DoctorConfig,
  sequelize: ReturnType<typeof createSequelize>,
): Promise<DoctorCheck> {
  const name = 'token key';
  try {
    // The worker's own start-up check: one stored value decrypted per key id in use.
    const tokens = new BytemarkTokensRepository(sequelize, TokenCipher.fromKeyring(config.tokenEncryptionKeys));
    const { keyIds } = await tokens.checkKeyring();
    if (keyIds.length === 0) return { name, ok: true, detail: 'no encrypted value stored yet: nothing to decrypt' };
    const failed = keyIds.filter((k) => !k.ok);
    const list = (ks: typeof keyIds) => ks.map((k) => `'${k.keyId}' (${k.values} values)`).join(', ');
    if (failed.length === 0) {
      return {
        name,
        ok: true,
        detail: `TOKEN_ENCRYPTION_KEY decrypts a stored row under every key id: ${list(keyIds)}`,
      };
    }
    return {
      name,
      ok: false,
      detail: `TOKEN_ENCRYPTION_KEY cannot decrypt a stored row under key id ${list(failed)}, e.g. user ${failed[0]!.userId}; the worker refuses to start`,
      fix: 'use the keyring the rows were written with (newKeyId:...,oldKeyId:...); never re-encrypt with a guessed key',
    };
  } catch (error) {
    const notMigrated = error instanceof TokenStorageNotMigratedError;
    const noMode = error instanceof TokenStorageModeError;
    return {
      name,
      ok: false,
      detail: messageOf(error),
      fix: notMigrated
        ? '`npm run migrate -- up`'
        : noMode
          ? "set btc_settings.token_storage_mode to 'expand' or 'encrypted-only' (the detail says which when)"
          : '`npm run migrate -- status` (is bytemark_tokens there?)',
    };
  }
}

/**
 * Capacity: token users, what the rate limit allows (refreshes per hour, users per sweep), the oldest
 * cache. Fails when an operator paused Bytemark calls, or one sweep cannot refresh every token user.
 */
async function checkCapacity(
  config: DoctorConfig,
  sequelize: ReturnType<typeof createSequelize>,
): Promise<DoctorCheck> {
  const name = 'capacity';
  try {
    const c = await readCapacity(sequelize, {
      ttlSeconds: config.cache.ttlSeconds,
      configuredRps: config.bytemark.rateLimitRps,
    });
    const limit = `${c.rateLimitRps} calls/s${c.rateLimitSource === 'operator' ? ' (set by an operator)' : ''}`;
    const detail =
      `${c.tokenUsers} token users (${c.due} due, ${c.pastTtl} past the TTL); at ${limit} ${c.refreshesPerHour} refreshes/hour, ` +
      `${c.usersPerSweep} per sweep; oldest cache ${formatAge(c.oldestCacheAgeSeconds)}`;
    if (c.paused) {
      return {
        name,
        ok: false,
        detail: `Bytemark calls PAUSED since ${c.paused.since}${c.paused.reason ? ` ("${c.paused.reason}")` : ''}: refreshes answer paused; ${detail}`,
        fix: '`npm run cli -- bytemark resume` once Bytemark is back',
        capacity: c,
      };
    }
    if (c.usersPerSweep < c.tokenUsers) {
      return {
        name,
        ok: false,
        detail: `one sweep cannot refresh every token user: ${detail}`,
        fix: `about ${c.rateLimitForAllRps} calls/s would cover them: \`${RATE_LIMIT_CLI_COMMAND} ${c.rateLimitForAllRps}\` if Bytemark allows (BYTEMARK_RATE_LIMIT_RPS to keep it)`,
        capacity: c,
      };
    }
    return { name, ok: true, detail, capacity: c };
  } catch (error) {
    return { name, ok: false, detail: messageOf(error), fix: '`npm run migrate -- status` (are the tables there?)' };
  }
}

async function checkMongo(config: DoctorConfig): Promise<DoctorCheck[]> {
  const database = new URL(config.mongoUrl).pathname.slice(1);
  let conn: Awaited<ReturnType<typeof connectMongo>>;
  try {
    conn = await connectMongo(config.mongoUrl);
  } catch (error) {
    return [
      {
        name: 'mongodb',
        ok: false,
        detail: `cannot open database "${database}": ${messageOf(error)}`,
        fix: `${START_STACK} (MONGO_URL)`,
      },
      { name: 'mongodb indexes', ok: false, detail: `${NOT_CHECKED} MongoDB is unreachable` },
    ];
  }
  try {
    const db = conn.db!;
    await db.command({ ping: 1 });
    const missing: string[] = [];
    for (const spec of MONGO_INDEXES) {
      const indexes = await db
        .collection(spec.collection)
        .indexes()
        .catch(() => []);
      const found = indexes.find((i) => i.name === spec.name);
      if (!found || JSON.stringify(found.key) !== JSON.stringify(spec.key))
        missing.push(`${spec.collection}.${spec.name}`);
    }
    return [
      { name: 'mongodb', ok: true, detail: `database "${database}" reachable` },
      missing.length === 0
        ? { name: 'mongodb indexes', ok: true, detail: `all ${MONGO_INDEXES.length} present` }
        : {
            name: 'mongodb indexes',
            ok: false,
            detail: `missing: ${missing.join(', ')}`,
            fix: 'create them: `npm run migrate -- up`',
          },
    ];
  } catch (error) {
    return [
      { name: 'mongodb', ok: false, detail: messageOf(error), fix: `${START_STACK} (MONGO_URL)` },
      { name: 'mongodb indexes', ok: false, detail: `${NOT_CHECKED} MongoDB did not answer` },
    ];
  } finally {
    await conn.close();
  }
}

/** Reachability only: any HTTP answer from the API's origin counts; credentials and paths are never printed. */
async function checkBytemark(config: DoctorConfig, timeoutMs: number): Promise<DoctorCheck[]> {
  const apis = [
    { name: 'bytemark customer api', url: config.bytemark.customerApiUrl, variable: 'BYTEMARK_CUSTOMER_API_URL' },
    { name: 'bytemark account api', url: config.bytemark.accountApiUrl, variable: 'BYTEMARK_ACCOUNT_API_URL' },
  ];
  return Promise.all(
    apis.map(async ({ name, url, variable }): Promise<DoctorCheck> => {
      const origin = new URL(url).origin;
      try {
        const response = await fetch(origin, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
        await response.body?.cancel();
        return { name, ok: true, detail: `${origin} answers (HTTP ${response.status})` };
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        return {
          name,
          ok: false,
          detail: `${origin} does not answer: ${messageOf(cause ?? error)}`,
          fix: `check ${variable} and the network path to it (locally: \`npm run simulator\`)`,
        };
      }
    }),
  );
}

/** `ok  ` / `FAIL` lines, names aligned, the fix after an arrow; then a count. */
export function formatDoctor(checks: readonly DoctorCheck[]): string[] {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map(
    (c) =>
      `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.detail}${!c.ok && c.fix ? `  -> fix: ${c.fix}` : ''}`,
  );
  const failed = checks.filter((c) => !c.ok).length;
  lines.push(
    failed === 0 ? `doctor: all ${checks.length} checks ok` : `doctor: ${failed} of ${checks.length} checks FAILED`,
  );
  return lines;
}
