import fc from 'fast-check';
import { PayloadKeyError } from '../errors';
import { escapePayloadKeys, unescapePayloadKeys } from './payload-keys';

const keyChars = fc.constantFrom('a', 'b', '.', '$', '\uFF0E', '\uFF04', '\uFF3C', '_', '__proto__');
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

  it('a __proto__ key (as JSON.parse makes it) is stored as an ordinary key and read back as an own key', () => {
    const payload = JSON.parse('{"uuid":"u","__proto__":{"fare":"adult"},"nested":[{"__proto__":1}]}') as object;
    const stored = escapePayloadKeys(payload) as Record<string, unknown>;
    expect(Object.keys(stored)).toEqual(['uuid', '\uFF3C__proto__', 'nested']);
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    const back = unescapePayloadKeys(stored) as Record<string, unknown>;
    expect(JSON.stringify(back)).toBe(JSON.stringify(payload));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(unescapePayloadKeys(escapePayloadKeys({ '\uFF3C__proto__': 2 }))).toEqual({ '\uFF3C__proto__': 2 });
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
