import type { Config } from '@btc/config';

/** What the worker reads: `loadConfig(process.env, WORKER_CONFIG_SECTIONS)`. */
export const WORKER_CONFIG_SECTIONS = [
  'temporal',
  'mysql',
  'mongo',
  'bytemark',
  'tokens',
  'cache',
  'notifications',
  'worker',
] as const;

export type WorkerConfig = Config<(typeof WORKER_CONFIG_SECTIONS)[number]>;
