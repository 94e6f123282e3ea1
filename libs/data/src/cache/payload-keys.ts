import { PayloadKeyError } from '../errors';

/**
 * Reversible escaping of object keys that MongoDB/FerretDB cannot store: a `.` anywhere and a
 * leading `$`. Stored keys use fullwidth look-alikes so they stay readable in the database:
 *
 * - `.` → `．` (U+FF0E), a leading `$` → `＄` (U+FF04);
 * - keys that already contain those sentinels, or the escape character `＼` (U+FF3C), get that
 *   character prefixed with `＼`, so unescaping is exact for every input.
 *
 * - `__proto__` is stored as `＼__proto__`: Mongoose drops a `__proto__` key from an update, and an
 *   assignment would set the copy's prototype instead; read back, it is an own key again.
 *
 * Keys with none of `. $ ． ＄ ＼` (all real Bytemark keys) are untouched. Keys containing NUL
 * cannot be stored at all: `PayloadKeyError` names their path.
 */
const DOT = '\uFF0E';
const DOLLAR = '\uFF04';
const ESC = '\uFF3C';
const NEEDS_ESCAPE = /[.$\uFF0E\uFF04\uFF3C\0]/;
const NEEDS_UNESCAPE = /[\uFF0E\uFF04\uFF3C]/;
const PROTO = '__proto__';

export function escapeKey(key: string, path = key): string {
  if (key === PROTO) return ESC + key;
  if (!NEEDS_ESCAPE.test(key)) return key;
  if (key.includes('\0')) throw new PayloadKeyError(path);
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i] as string;
    if (c === ESC || c === DOT || (c === DOLLAR && i === 0)) out += ESC + c;
    else if (c === '.') out += DOT;
    else if (c === '$' && i === 0) out += DOLLAR;
    else out += c;
  }
  return out;
}

export function unescapeKey(key: string): string {
  if (!NEEDS_UNESCAPE.test(key)) return key;
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i] as string;
    if (c === ESC && i + 1 < key.length) {
      out += key[++i];
    } else if (c === DOT) out += '.';
    else if (c === DOLLAR && i === 0) out += '$';
    else out += c;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function mapKeys(v: unknown, fn: (key: string, path: string) => string, path: string): unknown {
  if (Array.isArray(v)) return v.map((item, i) => mapKeys(item, fn, `${path}[${i}]`));
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const childPath = path ? `${path}.${key}` : key;
    // Defined, not assigned: `out['__proto__'] = x` would set the copy's prototype and drop the key
    // (JSON.parse makes a `__proto__` in Bytemark's JSON an own key, which must be stored like any other).
    Object.defineProperty(out, fn(key, childPath), {
      value: mapKeys(value, fn, childPath),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Deep copy of `v` with every object key escaped for storage (see the module comment). */
export function escapePayloadKeys(v: unknown, path = ''): unknown {
  return mapKeys(v, escapeKey, path);
}

/** Inverse of `escapePayloadKeys`. */
export function unescapePayloadKeys(v: unknown): unknown {
  return mapKeys(v, (key) => unescapeKey(key), '');
}
