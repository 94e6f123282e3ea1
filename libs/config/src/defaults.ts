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
 * The token encryption key outside production when `TOKEN_ENCRYPTION_KEY` is unset, so the local
 * stack works with no setup. Production refuses to start without a key of its own.
 */
export const LOCAL_DEV_ENCRYPTION_KEY = 'dev:bG9jYWwtZGV2LW9ubHktdG9rZW4tZW5jcnlwdGlvbiE=';
