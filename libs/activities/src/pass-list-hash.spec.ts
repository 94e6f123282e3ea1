import fc from 'fast-check';
import type { BytemarkPass } from '@btc/bytemark-client';
import { passListHash } from './pass-list-hash';

const passArb = fc.record({
  uuid: fc.uuid(),
  status: fc.constantFrom('USABLE', 'USING', 'EXPIRED', 'USES_GONE'),
  time_created: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  uses_count: fc.nat(10),
});

describe('passListHash', () => {
  it('is the same for the same passes in any order and with keys in any order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(passArb, { selector: (p) => p.uuid, maxLength: 20 }), (passes) => {
        const shuffled = [...passes]
          .reverse()
          .map((p) => Object.fromEntries(Object.entries(p).reverse()) as BytemarkPass);
        expect(passListHash(shuffled)).toBe(passListHash(passes as BytemarkPass[]));
      }),
    );
  });

  it('changes when any pass changes, appears or disappears', () => {
    fc.assert(
      fc.property(fc.uniqueArray(passArb, { selector: (p) => p.uuid, minLength: 1, maxLength: 20 }), (passes) => {
        const base = passListHash(passes as BytemarkPass[]);
        const changed = passes.map((p, i) => (i === 0 ? { ...p, uses_count: p.uses_count + 1 } : p));
        expect(passListHash(changed as BytemarkPass[])).not.toBe(base);
        expect(passListHash(passes.slice(1) as BytemarkPass[])).not.toBe(base);
      }),
    );
  });
});
