import { z } from 'zod';
import { DEFAULT_FREE_TICKET_PRODUCT_UUIDS, TOKEN_KEY_GENERATE_HINT } from './defaults';
import { ConfigError, type ConfigProblem } from './errors';
import { parseKeyring } from './keyring';
import { mysqlUrlFromEnv } from './mysql/mysql-settings';
import { readTemporalSettings, type TemporalSettings } from './temporal/temporal-settings';

/** The environment an app passes in (`process.env`); libs never read it themselves. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What each section yields, merged into one object by `loadConfig`. */
export interface ConfigSections {
  /**
   * The Temporal connection as `@temporalio/envconfig` reads it (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
   * TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE), and TEMPORAL_UI_URL.
   */
  temporal: { temporal: TemporalSettings };
  /** NODE_ENV. */
  runtime: { production: boolean };
  /**
   * MYSQL_URL (must name a database; TLS in its query: ssl-mode, ssl-ca, ssl-cert, ssl-key), or
   * MYSQL_SSL_MODE / MYSQL_SSL_CA / MYSQL_SSL_CERT / MYSQL_SSL_KEY folded into it; MYSQL_POOL_MAX.
   */
  mysql: {
    mysqlUrl: string;
    /** Connections per process at most; unset: the worker sizes it to its activity concurrency. */
    mysqlPoolMax?: number;
  };
  /** MONGO_URL (must name a database). */
  mongo: { mongoUrl: string };
  /** BYTEMARK_*: the API the worker calls and the global rate limit. */
  bytemark: {
    bytemark: {
      customerApiUrl: string;
      accountApiUrl: string;
      clientId: string;
      clientSecret?: string;
      timeoutMs: number;
      perPage: number;
      rateLimitRps: number;
    };
  };
  /** TOKEN_ENCRYPTION_KEY: always required (no fallback key); the local stack's launchers pass theirs explicitly. */
  tokens: { tokenEncryptionKeys: string };
  /** TICKET_CACHE_TTL_MINUTES, TICKET_CACHE_GRACE_MINUTES, FREE_TICKET_PRODUCT_UUIDS. */
  cache: { cache: { ttlSeconds: number; graceSeconds: number; freeProductUuids: string[] } };
  /** NOTIFICATION_URL and SLACK_*: both optional (pushes wait, alerts are off). */
  notifications: {
    notificationUrl?: string;
    slack: { botToken?: string; channelId?: string; apiUrl: string };
  };
  /** WORKER_*: the worker process's own settings. */
  worker: {
    maxConcurrentActivities: number;
    healthPort: number;
    metricsPort: number;
    /** Where the Temporal SDK's own exporter listens (loopback); `/metrics` on `metricsPort` includes its series. */
    sdkMetricsAddress: string;
    /** How often the metrics' MySQL gauges (freshness, queue, sweeps) are read again at most, in seconds. */
    metricsDbReadSeconds: number;
    /** On SIGTERM: how long running activities may finish, then how long the SDK waits before it forces the stop. */
    shutdown: { graceSeconds: number; forceSeconds: number };
  };
  /** SWEEP_MAX_IN_FLIGHT: users refreshed at once per batch (schedules, bootstrap, CLI sweeps). */
  sweep: { sweepMaxInFlight: number };
}

export type ConfigSection = keyof ConfigSections;

/** The configuration of an app that loads sections `S`. */
export type Config<S extends ConfigSection> = UnionToIntersection<ConfigSections[S]>;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

const positiveInt = z.coerce.number().int().positive();
const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' });
const text = z.string().min(1);
const nodeEnv = z.string().default('development');

function databaseUrl(protocol: RegExp, expected: string, databaseName: RegExp) {
  return z.url({ protocol, error: `must be a URL like ${expected}` }).refine(
    // Zod runs this check even after the URL check failed; that failure is the one to report.
    (url) => !URL.canParse(url) || databaseName.test(decodeURIComponent(new URL(url).pathname.replace(/^\//, ''))),
    { error: `must name a database (${expected})` },
  );
}

const SECTIONS: { [S in ConfigSection]: z.ZodType<ConfigSections[S]> } = {
  temporal: z.looseObject({ TEMPORAL_UI_URL: httpUrl.default('http://127.0.0.1:8233') }).transform((e, ctx) => {
    const { TEMPORAL_UI_URL, ...env } = e as Record<string, string>;
    const settings = readTemporalSettings(env, TEMPORAL_UI_URL!);
    if (!('problems' in settings)) return { temporal: settings };
    for (const { variable, problem } of settings.problems)
      ctx.addIssue({ code: 'custom', path: [variable], message: problem });
    return z.NEVER;
  }),
  runtime: z.object({ NODE_ENV: nodeEnv }).transform((e) => ({ production: e.NODE_ENV === 'production' })),
  mysql: z
    .looseObject({
      MYSQL_URL: databaseUrl(/^mysql$/, 'mysql://user@host:3306/<database>', /^[A-Za-z0-9_$]+$/).default(
        'mysql://root@127.0.0.1:3306/bytemark',
      ),
      MYSQL_POOL_MAX: z.coerce.number().int().min(1).max(1000).optional(),
    })
    .transform((e, ctx) => {
      if (!URL.canParse(e.MYSQL_URL)) return z.NEVER;
      const folded = mysqlUrlFromEnv(e.MYSQL_URL, e as Record<string, string | undefined>);
      if ('url' in folded) return { mysqlUrl: folded.url, mysqlPoolMax: e.MYSQL_POOL_MAX };
      for (const { variable, problem } of folded.problems)
        ctx.addIssue({ code: 'custom', path: [variable], message: problem });
      return z.NEVER;
    }),
  mongo: z
    .object({
      MONGO_URL: databaseUrl(/^mongodb(\+srv)?$/, 'mongodb://host:27017/<database>', /^.+$/).default(
        'mongodb://127.0.0.1:27017/bytemark',
      ),
    })
    .transform((e) => ({ mongoUrl: e.MONGO_URL })),
  bytemark: z
    .object({
      BYTEMARK_CUSTOMER_API_URL: httpUrl.default('http://127.0.0.1:4010'),
      BYTEMARK_ACCOUNT_API_URL: httpUrl.default('http://127.0.0.1:4010'),
      BYTEMARK_CLIENT_ID: text.default('local-dev-client'),
      BYTEMARK_CLIENT_SECRET: text.optional(),
      BYTEMARK_TIMEOUT_MS: positiveInt.default(15_000),
      BYTEMARK_PAGE_SIZE: positiveInt.default(9999),
      BYTEMARK_RATE_LIMIT_RPS: z.coerce.number().positive().default(20),
    })
    .transform((e) => ({
      bytemark: {
        customerApiUrl: e.BYTEMARK_CUSTOMER_API_URL,
        accountApiUrl: e.BYTEMARK_ACCOUNT_API_URL,
        clientId: e.BYTEMARK_CLIENT_ID,
        clientSecret: e.BYTEMARK_CLIENT_SECRET,
        timeoutMs: e.BYTEMARK_TIMEOUT_MS,
        perPage: e.BYTEMARK_PAGE_SIZE,
        rateLimitRps: e.BYTEMARK_RATE_LIMIT_RPS,
      },
    })),
  tokens: z
    .object({
      TOKEN_ENCRYPTION_KEY: z
        .string({ error: `is required (there is no default key). ${TOKEN_KEY_GENERATE_HINT}` })
        .min(1)
        .superRefine((spec, ctx) => {
          const parsed = parseKeyring(spec);
          if ('problem' in parsed) {
            ctx.addIssue({
              code: 'custom',
              message: `is not a keyring of keyId:base64-32-bytes[,olderKeyId:...] (${parsed.problem}). ${TOKEN_KEY_GENERATE_HINT}`,
            });
          }
        }),
    })
    .transform((e) => ({ tokenEncryptionKeys: e.TOKEN_ENCRYPTION_KEY })),
  cache: z
    .object({
      TICKET_CACHE_TTL_MINUTES: positiveInt.default(60),
      TICKET_CACHE_GRACE_MINUTES: z.coerce.number().int().min(0).default(5),
      FREE_TICKET_PRODUCT_UUIDS: z
        .string()
        .transform((s) =>
          s
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean),
        )
        .pipe(z.array(z.uuid()).min(1))
        .optional(),
    })
    .refine((e) => e.TICKET_CACHE_GRACE_MINUTES < e.TICKET_CACHE_TTL_MINUTES, {
      path: ['TICKET_CACHE_GRACE_MINUTES'],
      error: 'must be smaller than TICKET_CACHE_TTL_MINUTES',
    })
    .transform((e) => ({
      cache: {
        ttlSeconds: e.TICKET_CACHE_TTL_MINUTES * 60,
        graceSeconds: e.TICKET_CACHE_GRACE_MINUTES * 60,
        freeProductUuids: e.FREE_TICKET_PRODUCT_UUIDS ?? [...DEFAULT_FREE_TICKET_PRODUCT_UUIDS],
      },
    })),
  notifications: z
    .object({
      NOTIFICATION_URL: httpUrl.optional(),
      SLACK_BOT_TOKEN: text.optional(),
      SLACK_CHANNEL_ID: text.optional(),
      SLACK_API_URL: httpUrl.default('https://slack.com/api'),
    })
    .transform((e) => ({
      notificationUrl: e.NOTIFICATION_URL,
      slack: { botToken: e.SLACK_BOT_TOKEN, channelId: e.SLACK_CHANNEL_ID, apiUrl: e.SLACK_API_URL },
    })),
  worker: z
    .object({
      WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(50),
      WORKER_HEALTH_PORT: port.default(9465),
      WORKER_METRICS_PORT: port.default(9464),
      WORKER_SDK_METRICS_ADDRESS: text.default('127.0.0.1:9466'),
      WORKER_METRICS_DB_SECONDS: positiveInt.default(15),
      WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(30),
      WORKER_SHUTDOWN_FORCE_SECONDS: z.coerce.number().int().min(1).default(15),
    })
    .transform((e) => ({
      maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
      healthPort: e.WORKER_HEALTH_PORT,
      metricsPort: e.WORKER_METRICS_PORT,
      sdkMetricsAddress: e.WORKER_SDK_METRICS_ADDRESS,
      metricsDbReadSeconds: e.WORKER_METRICS_DB_SECONDS,
      shutdown: { graceSeconds: e.WORKER_SHUTDOWN_GRACE_SECONDS, forceSeconds: e.WORKER_SHUTDOWN_FORCE_SECONDS },
    })),
  sweep: z
    .object({ SWEEP_MAX_IN_FLIGHT: positiveInt.default(20) })
    .transform((e) => ({ sweepMaxInFlight: e.SWEEP_MAX_IN_FLIGHT })),
};

/**
 * Validates the environment once, at an app's start, for the sections the app needs, and returns
 * them merged into one typed object. An empty variable counts as unset (`.env` files write `NAME=`).
 * Throws a `ConfigError` naming every bad variable (never its value).
 *
 *   const config = loadConfig(process.env, ['temporal', 'mysql', 'cache']);
 */
export function loadConfig<const S extends ConfigSection>(env: Env, sections: readonly S[]): Config<S> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const merged: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const section of new Set(sections)) {
    const parsed = SECTIONS[section].safeParse(set);
    if (parsed.success) {
      Object.assign(merged, parsed.data);
      continue;
    }
    for (const issue of parsed.error.issues) {
      const [variable = section, ...rest] = issue.path.map(String);
      const problem = rest.length > 0 ? `item ${rest.join('.')}: ${issue.message}` : issue.message;
      const key = `${variable}\n${problem}`;
      if (!seen.has(key)) problems.push({ variable, problem });
      seen.add(key);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return merged as Config<S>;
}
