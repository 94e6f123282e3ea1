/**
 * The product uuids the platform treats as free tickets when `FREE_TICKET_PRODUCT_UUIDS` is unset:
 * the two free-reward METRO products of the original (domain §4). The one copy: the worker, the
 * bench, the tests and the simulator's seeded catalogue all read it from here.
 */
export const DEFAULT_FREE_TICKET_PRODUCT_UUIDS = [
  '2417edb7-856c-43ee-b3df-c508b8be259b',
  '654b9f9d-5972-445b-8c6b-5c29a35c7751',
] as const;

/**
 * The key the local stack's launchers (`npm start`, the bench, the chaos campaign) pass explicitly as
 * `TOKEN_ENCRYPTION_KEY` to what they start. It is published, so it protects nothing: it is never a
 * fallback. An app started without `TOKEN_ENCRYPTION_KEY` stops with a `ConfigError`.
 */
export const LOCAL_DEV_ENCRYPTION_KEY = 'dev:bG9jYWwtZGV2LW9ubHktdG9rZW4tZW5jcnlwdGlvbiE=';

/** How to make a key, as the `ConfigError` for a missing or malformed `TOKEN_ENCRYPTION_KEY` says it. */
export const TOKEN_KEY_GENERATE_HINT =
  'Generate one with: echo "k1:$(openssl rand -base64 32)" or ' +
  `node -e "console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))"`;
