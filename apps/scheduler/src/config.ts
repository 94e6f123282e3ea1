import type { Config } from '@btc/config';

/** What `main.ts` (schedules and bootstrap) reads: `loadConfig(process.env, SETUP_CONFIG_SECTIONS)`. */
export const SETUP_CONFIG_SECTIONS = ['temporal', 'sweep'] as const;

/** What the operator CLI reads, once, when its first command that needs configuration runs. */
export const CLI_CONFIG_SECTIONS = ['temporal', 'mysql', 'mongo', 'tokens', 'cache', 'sweep'] as const;

export type SchedulerConfig = Config<(typeof CLI_CONFIG_SECTIONS)[number]>;
