import { z } from 'zod';

/** The two free-reward METRO products of the original (domain §4). */
export const DEFAULT_FREE_TICKET_PRODUCT_UUIDS = [
  '2417edb7-856c-43ee-b3df-c508b8be259b',
  '654b9f9d-5972-445b-8c6b-5c29a35c7751',
];

/** A fixed key for the local stack only; production must set TOKEN_ENCRYPTION_KEY (checked below). */
export const LOCAL_DEV_ENCRYPTION_KEY = 'dev:bG9jYWwtZGV2LW9ubHktdG9rZW4tZW5jcnlwdGlvbiE=';

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
);
const positiveInt = z.coerce.number().int().positive();

const schema = z
  .object({
    NODE_ENV: z.string().default('development'),
    TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    MYSQL_URL: z.url({ protocol: /^mysql$/ }).default('mysql://root@127.0.0.1:3306/bytemark'),
    MONGO_URL: z.url({ protocol: /^mongodb(\+srv)?$/ }).default('mongodb://127.0.0.1:27017/bytemark'),
    BYTEMARK_CUSTOMER_API_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4010'),
    BYTEMARK_ACCOUNT_API_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4010'),
    BYTEMARK_CLIENT_ID: z.string().min(1).default('local-dev-client'),
    BYTEMARK_CLIENT_SECRET: z.string().optional(),
    BYTEMARK_TIMEOUT_MS: positiveInt.default(15_000),
    BYTEMARK_PAGE_SIZE: positiveInt.default(9999),
    BYTEMARK_RATE_LIMIT_RPS: z.coerce.number().positive().default(20),
    TOKEN_ENCRYPTION_KEY: z.string().min(1).optional(),
    FREE_TICKET_PRODUCT_UUIDS: csv.pipe(z.array(z.uuid()).min(1)).optional(),
    TICKET_CACHE_TTL_MINUTES: positiveInt.default(60),
    TICKET_CACHE_GRACE_MINUTES: z.coerce.number().int().min(0).default(5),
    NOTIFICATION_URL: z.url({ protocol: /^https?$/ }).optional(),
    SLACK_BOT_TOKEN: z.string().min(1).optional(),
    SLACK_CHANNEL_ID: z.string().min(1).optional(),
    SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api'),
    WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(50),
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  })
  .refine((env) => env.TICKET_CACHE_GRACE_MINUTES < env.TICKET_CACHE_TTL_MINUTES, {
    path: ['TICKET_CACHE_GRACE_MINUTES'],
    message: 'must be smaller than TICKET_CACHE_TTL_MINUTES',
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.TOKEN_ENCRYPTION_KEY !== undefined, {
    path: ['TOKEN_ENCRYPTION_KEY'],
    message: 'is required in production (format: keyId:base64-32-bytes[,olderKeyId:...])',
  });

export interface WorkerConfig {
  temporal: { address: string; namespace: string };
  mysqlUrl: string;
  mongoUrl: string;
  bytemark: {
    customerApiUrl: string;
    accountApiUrl: string;
    clientId: string;
    clientSecret?: string;
    timeoutMs: number;
    perPage: number;
    rateLimitRps: number;
  };
  tokenEncryptionKeys: string;
  cache: { ttlSeconds: number; graceSeconds: number; freeProductUuids: string[] };
  notificationUrl?: string;
  slack: { botToken?: string; channelId?: string; apiUrl: string };
  maxConcurrentActivities: number;
  healthPort: number;
  metricsPort: number;
}

export class ConfigError extends Error {
  readonly type = 'config';
}

/** Validates the environment once; a bad value stops the app with a message naming the variable (never its value). */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`invalid worker configuration:\n${problems}`);
  }
  const e = parsed.data;
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE },
    mysqlUrl: e.MYSQL_URL,
    mongoUrl: e.MONGO_URL,
    bytemark: {
      customerApiUrl: e.BYTEMARK_CUSTOMER_API_URL,
      accountApiUrl: e.BYTEMARK_ACCOUNT_API_URL,
      clientId: e.BYTEMARK_CLIENT_ID,
      clientSecret: e.BYTEMARK_CLIENT_SECRET,
      timeoutMs: e.BYTEMARK_TIMEOUT_MS,
      perPage: e.BYTEMARK_PAGE_SIZE,
      rateLimitRps: e.BYTEMARK_RATE_LIMIT_RPS,
    },
    tokenEncryptionKeys: e.TOKEN_ENCRYPTION_KEY ?? LOCAL_DEV_ENCRYPTION_KEY,
    cache: {
      ttlSeconds: e.TICKET_CACHE_TTL_MINUTES * 60,
      graceSeconds: e.TICKET_CACHE_GRACE_MINUTES * 60,
      freeProductUuids: e.FREE_TICKET_PRODUCT_UUIDS ?? DEFAULT_FREE_TICKET_PRODUCT_UUIDS,
    },
    notificationUrl: e.NOTIFICATION_URL,
    slack: { botToken: e.SLACK_BOT_TOKEN, channelId: e.SLACK_CHANNEL_ID, apiUrl: e.SLACK_API_URL },
    maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
    healthPort: e.WORKER_HEALTH_PORT,
    metricsPort: e.WORKER_METRICS_PORT,
  };
}
