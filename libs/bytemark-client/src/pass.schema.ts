import { z } from 'zod';

/**
 * A Bytemark pass. The fields the cache relies on are typed; every other field is kept verbatim
 * (the client returns the object exactly as received, key order included).
 */
export interface BytemarkPass {
  uuid: string;
  status: string;
  time_created: string;
  product_uuid?: string | null;
  product?: { uuid?: string } & Record<string, unknown>;
  [key: string]: unknown;
}

/** Validates the fields the cache relies on; unknown fields pass through untouched. */
export const passSchema = z
  .looseObject({
    uuid: z.string().min(1),
    status: z.string().min(1),
    time_created: z.string().min(1),
    product_uuid: z.string().min(1).nullish(),
    product: z.looseObject({ uuid: z.string().min(1).nullish() }).nullish(),
  })
  .superRefine((pass, ctx) => {
    if (!pass.product_uuid && !pass.product?.uuid) {
      ctx.addIssue({ code: 'custom', path: ['product_uuid'], message: 'neither product_uuid nor product.uuid is set' });
    }
  });

/** One Bytemark error entry; `code` is numeric in practice but kept loose. */
export const bytemarkErrorEntrySchema = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});

/** The response envelope `{ errors, server_time, data }`. Missing `errors` (some mocks send `error: null`) means none. */
export const envelopeSchema = z.looseObject({
  errors: z.array(z.unknown()).nullish(),
  server_time: z.string().nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
});

/**
 * The list part of a passes page: v1 uses `data.passes`, v4 may use `data.results`. The counts and
 * the pagination object are hints (read by `countHint` and `readPassPage`): a `null`, a numeric
 * string or an odd value there never fails the list.
 */
export const passPageDataSchema = z.looseObject({
  passes: z.array(z.unknown()).optional(),
  results: z.array(z.unknown()).optional(),
  page_count: z.unknown().optional(),
  total_count: z.unknown().optional(),
  pagination: z.unknown().optional(),
});

/** A count Bytemark sent (`total_count`, `per_page`): a non-negative integer, or its decimal string; else undefined. */
export function countHint(value: unknown): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The login response's `data`. */
export const loginDataSchema = z.looseObject({ oauth_token: z.string().min(1) });

/** The product uuid a pass was bought as: `product_uuid`, else `product.uuid`, else null. */
export function passProductUuid(p: BytemarkPass): string | null {
  const top = p.product_uuid;
  if (typeof top === 'string' && top !== '') return top;
  const nested = p.product?.uuid;
  return typeof nested === 'string' && nested !== '' ? nested : null;
}
