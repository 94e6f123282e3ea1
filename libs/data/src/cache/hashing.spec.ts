import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson, passPayloadHash, ticketLogChangeId } from './hashing';

/** Rebuilds a JSON value with every object's keys in reverse order (same value, different serialisation). */
function reorder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorder);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .reverse()
        .map((k) => [k, reorder((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

const payload = fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 });

describe('passPayloadHash', () => {
  it('a reordered but equal payload hashes the same at every depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(passPayloadHash(reorder(value))).toBe(passPayloadHash(value));
      }),
    );
  });

  it('changing any single value of a payload changes the hash', () => {
    fc.assert(
      fc.property(payload, fc.nat(), fc.jsonValue(), (value, pick, replacement) => {
        const keys = Object.keys(value);
        const key = keys[pick % keys.length] as string;
        fc.pre(canonicalJson(value[key]) !== canonicalJson(replacement));
        expect(passPayloadHash({ ...value, [key]: replacement })).not.toBe(passPayloadHash(value));
      }),
    );
  });

  it('a "__proto__" key, which JSON.parse keeps as an own property, counts like any other key', () => {
    const parsed = JSON.parse('{"__proto__":[]}') as unknown;
    expect(canonicalJson(parsed)).toBe('{"__proto__":[]}');
    expect(passPayloadHash(parsed)).not.toBe(passPayloadHash({}));
  });

  it('a nested value change changes the hash', () => {
    const a = { uuid: 'p1', product: { theme: { color: '#000' } } };
    const b = { uuid: 'p1', product: { theme: { color: '#001' } } };
    expect(passPayloadHash(a)).not.toBe(passPayloadHash(b));
  });

  it('canonical JSON sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('differs from the original md5(JSON.stringify) when keys are not already sorted (the one-time update)', () => {
    const original = (p: unknown) => createHash('md5').update(JSON.stringify(p)).digest('hex');
    expect(passPayloadHash({ uuid: 'x', status: 'USABLE' })).not.toBe(original({ uuid: 'x', status: 'USABLE' }));
    expect(passPayloadHash({ status: 'USABLE', uuid: 'x' })).toBe(original({ status: 'USABLE', uuid: 'x' }));
  });
});

describe('ticketLogChangeId', () => {
  it('the same change in the same refresh always gets the same id, and any differing part a different id', () => {
    const base = { refreshId: 'r1', source: 'passes', uuid: 'u1', payloadHash: 'h1' };
    expect(ticketLogChangeId(base)).toBe(ticketLogChangeId({ ...base }));
    expect(ticketLogChangeId(base)).toMatch(/^[0-9a-f]{40}$/);
    for (const key of Object.keys(base) as Array<keyof typeof base>) {
      expect(ticketLogChangeId({ ...base, [key]: `${base[key]}x` })).not.toBe(ticketLogChangeId(base));
    }
  });
});
