import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8233'),
  MYSQL_URL: z.url({ protocol: /^mysql$/ }).default('mysql://root@127.0.0.1:3306/bytemark'),
  MONGO_URL: z.url({ protocol: /^mongodb(\+srv)?$/ }).default('mongodb://127.0.0.1:27017/bytemark'),
  TOKEN_ENCRYPTION_KEY: z.string().min(1).optional(),
  TICKET_CACHE_TTL_MINUTES: positiveInt.default(60),
  SWEEP_MAX_IN_FLIGHT: positiveInt.default(20),
});

export interface SchedulerConfig {
  temporal: { address: string; namespace: string; uiUrl: string };
  mysqlUrl: string;
  mongoUrl: string;
  /** Undefined: only commands that touch tokens need it, and they say so. */
  tokenEncryptionKeys?: string;
  ttlSeconds: number;
  sweepMaxInFlight: number;
}

export class ConfigError extends Error {
  readonly type = 'config';
}

/** Validates the environment once; a bad value stops the app with a message naming the variable (never its value). */
export function loadSchedulerConfig(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`invalid scheduler configuration:\n${problems}`);
  }
  const e = parsed.data;
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, uiUrl: e.TEMPORAL_UI_URL },
    mysqlUrl: e.MYSQL_URL,
    mongoUrl: e.MONGO_URL,
    tokenEncryptionKeys: e.TOKEN_ENCRYPTION_KEY,
    ttlSeconds: e.TICKET_CACHE_TTL_MINUTES * 60,
    sweepMaxInFlight: e.SWEEP_MAX_IN_FLIGHT,
  };
}
