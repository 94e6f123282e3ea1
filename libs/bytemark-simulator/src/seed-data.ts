import { DEFAULT_FREE_TICKET_PRODUCT_UUIDS } from '@btc/config';
import { Prng } from './prng';

/**
 * The free-reward products of the simulated catalogue: the ones the platform treats as free tickets
 * by default (`FREE_TICKET_PRODUCT_UUIDS` unset), so a local run finds free tickets with no setup.
 */
export const FREE_PRODUCT_UUIDS = DEFAULT_FREE_TICKET_PRODUCT_UUIDS;

/** Bytemark's pass status vocabulary. USABLE and USING are current (v1); EXPIRED and USES_GONE are history (v4). */
export const PASS_STATUSES = ['USABLE', 'USING', 'EXPIRED', 'USES_GONE'] as const;
export type PassStatus = (typeof PASS_STATUSES)[number];
export const CURRENT_STATUSES: readonly string[] = ['USABLE', 'USING'];
export const HISTORY_STATUSES: readonly string[] = ['EXPIRED', 'USES_GONE'];

/** All generated times are offsets from this instant, so data is identical for a seed whenever it is generated. */
export const BASE_TIME_MS = Date.parse('2025-06-01T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface Product {
  uuid: string;
  name: string;
  short_name: string;
  price: number;
  product_type: string;
  allowed_uses: number;
  /** How long a pass stays valid after its first use. */
  duration_minutes: number;
}

export const PRODUCTS: readonly Product[] = [
  {
    uuid: 'a1b4c3d2-0001-4f00-8a00-000000000001',
    name: 'Adult 1-Ride',
    short_name: '1-Ride',
    price: 125,
    product_type: 'SINGLE_RIDE',
    allowed_uses: 1,
    duration_minutes: 180,
  },
  {
    uuid: 'a1b4c3d2-0002-4f00-8a00-000000000002',
    name: 'Adult Local Day Pass',
    short_name: 'Day',
    price: 300,
    product_type: 'TIME_BASED',
    allowed_uses: 1,
    duration_minutes: 24 * 60,
  },
  {
    uuid: 'a1b4c3d2-0003-4f00-8a00-000000000003',
    name: 'Reduced Fare 1-Ride',
    short_name: 'RF 1-Ride',
    price: 60,
    product_type: 'SINGLE_RIDE',
    allowed_uses: 1,
    duration_minutes: 180,
  },
  {
    uuid: 'a1b4c3d2-0004-4f00-8a00-000000000004',
    name: 'Adult 31-Day Pass',
    short_name: '31-Day',
    price: 6500,
    product_type: 'TIME_BASED',
    allowed_uses: 1,
    duration_minutes: 31 * 24 * 60,
  },
  {
    uuid: 'a1b4c3d2-0005-4f00-8a00-000000000005',
    name: 'Adult 10-Ride',
    short_name: '10-Ride',
    price: 1125,
    product_type: 'MULTI_RIDE',
    allowed_uses: 10,
    duration_minutes: 180,
  },
  {
    uuid: FREE_PRODUCT_UUIDS[0],
    name: 'Free 1-Ride (Promotion)',
    short_name: 'Free Ride',
    price: 0,
    product_type: 'SINGLE_RIDE',
    allowed_uses: 1,
    duration_minutes: 180,
  },
  {
    uuid: FREE_PRODUCT_UUIDS[1],
    name: 'Free Day Pass (Reward)',
    short_name: 'Free Day',
    price: 0,
    product_type: 'TIME_BASED',
    allowed_uses: 1,
    duration_minutes: 24 * 60,
  },
];

const PAID_PRODUCTS = PRODUCTS.filter((p) => p.price > 0);
const FREE_PRODUCTS = PRODUCTS.filter((p) => p.price === 0);

export function productByUuid(uuid: string): Product | undefined {
  return PRODUCTS.find((p) => p.uuid === uuid);
}

/** A simulated pass: the fields below plus anything an admin merged in. */
export interface SimPass {
  uuid: string;
  status: string;
  time_created: string;
  [key: string]: unknown;
}

export interface Credentials {
  userId: number;
  email: string;
  password: string;
}

export function emailFor(userId: number): string {
  return `bytemark.${userId}@mail.connectsmartx.com`;
}

/** Deterministic 12-character password with at least one letter and one digit. */
export function credentialsFor(seed: number, userId: number): Credentials {
  const prng = Prng.from(seed, userId, 'password');
  const letter = 'ABCDEFGHJKLMNPQRSTUVWXYZ'[prng.int(0, 23)] ?? 'A';
  const digit = String(prng.int(2, 9));
  return { userId, email: emailFor(userId), password: `${letter}${prng.alnum(10)}${digit}` };
}

/** The OAuth token of a user's n-th login (0 = the seeded one). Deterministic per seed. */
export function tokenFor(seed: number, userId: number, generation: number): string {
  return `bm_${Prng.from(seed, userId, 'token', generation).hex(40)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function pickStatus(prng: Prng): PassStatus {
  const r = prng.next();
  if (r < 0.55) return 'USABLE';
  if (r < 0.7) return 'USING';
  if (r < 0.9) return 'EXPIRED';
  return 'USES_GONE';
}

export interface PassOptions {
  status?: string;
  productUuid?: string;
  /** When the pass was bought; defaults to a seeded time in the 90 days before BASE_TIME_MS. */
  createdAtMs?: number;
}

/** One realistic pass drawn from the PRNG stream; `options` pin status, product or creation time. */
export function generatePass(prng: Prng, options: PassOptions = {}): SimPass {
  const free = prng.next() < 0.1;
  const product =
    (options.productUuid !== undefined ? productByUuid(options.productUuid) : undefined) ??
    prng.pick(free ? FREE_PRODUCTS : PAID_PRODUCTS);
  const productUuid = options.productUuid ?? product.uuid;
  const status = options.status ?? pickStatus(prng);
  const created = options.createdAtMs ?? BASE_TIME_MS - prng.int(1, 90 * 24 * 60) * MINUTE;
  const orderUuid = prng.uuid();
  const used = status !== 'USABLE';
  const firstUse = used ? created + prng.int(5, 3 * 24 * 60) * MINUTE : null;
  const expiration = firstUse !== null ? firstUse + product.duration_minutes * MINUTE : created + 365 * DAY;
  const usesCount =
    status === 'USES_GONE'
      ? product.allowed_uses
      : status === 'USABLE'
        ? 0
        : Math.min(product.allowed_uses, prng.int(1, 3));
  const events: Array<Record<string, unknown>> = [{ type: 'PURCHASED', time: iso(created) }];
  if (firstUse !== null) events.push({ type: 'ACTIVATED', time: iso(firstUse) });
  if (status === 'EXPIRED') events.push({ type: 'EXPIRED', time: iso(expiration) });
  const modified = status === 'EXPIRED' ? expiration : (firstUse ?? created);
  return {
    uuid: prng.uuid(),
    status,
    time_created: iso(created),
    time_modified: iso(modified),
    time_purchased: iso(created),
    product_uuid: productUuid,
    product: {
      uuid: productUuid,
      name: product.name,
      short_name: product.short_name,
      price: product.price,
      currency: 'USD',
      product_type: product.product_type,
    },
    product_type: product.product_type,
    expiration: iso(expiration),
    first_use: firstUse === null ? null : iso(firstUse),
    allowed_uses: product.allowed_uses,
    uses_count: usesCount,
    order_uuid: orderUuid,
    order_item: { uuid: prng.uuid(), order_uuid: orderUuid },
    label_name: product.name,
    label_short_name: product.short_name,
    expiration_rule_uuid: prng.uuid(),
    serial: prng.alnum(10).toUpperCase(),
    locked_to_device: false,
    activation_restrictions: [],
    events,
  };
}

/** A user's seeded passes: a fresh PRNG stream per (seed, userId), so users can be generated lazily in any order. */
export function generateUserPasses(seed: number, userId: number, count: number): { passes: SimPass[]; prng: Prng } {
  const prng = Prng.from(seed, userId, 'passes');
  const passes: SimPass[] = [];
  for (let i = 0; i < count; i += 1) passes.push(generatePass(prng));
  return { passes, prng };
}
