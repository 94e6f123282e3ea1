/**
 * Where `bytemark_tokens` keeps its token and password, and in which form (migration 0009 creates
 * both; see `libs/data/README.md` and `docs/TAKEOVER.md`):
 *
 * - `encrypted-only` (a fresh install): `password` and `token` hold ciphertext (`enc:v2:...`, bound to its row and column).
 * - `expand` (the migrations adopted the original platform's `bytemark_tokens`): `password` and
 *   `token` stay plaintext, because the platform's other services read (and write) them; what this
 *   service writes there is also stored encrypted, in `bytemark_tokens_encrypted` (ours: the
 *   platform's table is never altered). It ends when an operator runs
 *   `npm run cli -- tokens finish-encryption`, which switches to `encrypted-only`, encrypts the
 *   plaintext columns in place and deletes the encrypted copies.
 */
export const SETTINGS_TABLE = 'btc_settings';

/** The `btc_settings` row that holds the mode. */
export const TOKEN_STORAGE_MODE_SETTING = 'token_storage_mode';

export type TokenStorageMode = 'expand' | 'encrypted-only';

/** How the CLI names each mode. */
export const TOKEN_STORAGE_MODE_LABELS: Record<TokenStorageMode, string> = {
  expand: 'expand (plaintext kept for other readers)',
  'encrypted-only': 'encrypted-only',
};

/**
 * `bytemark_tokens_encrypted`: in `expand`, the encrypted form of what this service wrote into
 * `bytemark_tokens` (user_id, password, token; either may be NULL). Empty in `encrypted-only`.
 */
export const ENCRYPTED_COPIES_TABLE = 'bytemark_tokens_encrypted';
