import { createHash } from 'node:crypto';
import type { BytemarkPass } from '@btc/bytemark-client';
import { passPayloadHash } from '@btc/data';

/**
 * One hash for a whole pass list: MD5 over the sorted `uuid:payloadHash` lines, so the same passes
 * in another order (or with reordered keys) hash the same and any changed pass changes it.
 */
export function passListHash(passes: BytemarkPass[]): string {
  const lines = passes.map((p) => `${p.uuid}:${passPayloadHash(p)}`).sort();
  return createHash('md5').update(lines.join('\n')).digest('hex');
}
