import fc from 'fast-check';
import { PayloadKeyError } from './errors';
import { escapePayloadKeys, unescapePayloadKeys } from './payload-keys';

const keyChars = fc.constantFrom('a', 'b', '.', '$', '\uFF0E', '\uFF04', '\uFF3C', '_');
const key = fc.array(keyChars, { maxLength: 6 }).map((cs) => cs.join(''));
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  ),
})).node;

function keysOf(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      keysOf(x, out);
    }
  }
  return out;
}

describe('payload key escaping', () => {
  it('round-trips any key, including ones that contain the sentinels themselves', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(unescapePayloadKeys(escapePayloadKeys(v))).toEqual(v);
      }),
    );
  });

  it('escaped keys never contain a dot or start with a dollar sign', () => {
    fc.assert(
      fc.property(value, (v) => {
        for (const k of keysOf(escapePayloadKeys(v))) {
          expect(k.includes('.')).toBe(false);
          expect(k.startsWith('$')).toBe(false);
        }
      }),
    );
  });

  it('leaves ordinary Bytemark keys untouched', () => {
    const payload = { uuid: 'u', product: { sale_price: 0 }, events: [{ type: 'PURCHASE' }] };
    expect(escapePayloadKeys(payload)).toEqual(payload);
  });

  it('rejects a key containing NUL, naming its path', () => {
    expect(() => escapePayloadKeys({ product: { 'bad\0key': 1 } }, 'pass p1')).toThrow(PayloadKeyError);
    expect(() => escapePayloadKeys({ product: { 'bad\0key': 1 } }, 'pass p1')).toThrow(/pass p1\.product\.bad/);
  });
});
