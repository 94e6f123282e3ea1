import type { Config } from '@btc/config';

/** What `main.ts` (schedules and bootstrap) reads: `loadConfig(process.env, SETUP_CONFIG_SECTIONS)`. */
export const SETUP_CONFIG_SECTIONS = ['temporal', 'sweep'] as const;

/** What the operator CLI reads, once, when its first command that needs configuration runs. */
export const CLI_CONFIG_SECTIONS = ['temporal', 'mysql', 'mongo', 'cache', 'sweep', 'bytemark'] as const;

export type SchedulerConfig = Config<(typeof CLI_CONFIG_SECTIONS)[number]>;

/** What the `tokens` commands read besides: the key (`TOKEN_ENCRYPTION_KEY`), required by them alone. */
export const TOKEN_CONFIG_SECTIONS = ['tokens'] as const;

export type TokenConfig = Config<(typeof TOKEN_CONFIG_SECTIONS)[number]>;
