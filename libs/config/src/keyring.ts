/** A token keyring: the first key encrypts new values, every key decrypts. */
export interface Keyring {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses `k2:<base64 32 bytes>,k1:<base64 32 bytes>` (`TOKEN_ENCRYPTION_KEY`). The one parser: the
 * config check at start and `TokenCipher` both use it. A problem names the entry or the key id,
 * never key material.
 */
export function parseKeyring(spec: string): { keyring: Keyring } | { problem: string } {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return { problem: 'the keyring is empty' };
  const keys = new Map<string, Buffer>();
  for (const [index, entry] of entries.entries()) {
    const sep = entry.indexOf(':');
    const keyId = sep > 0 ? entry.slice(0, sep) : '';
    if (!KEY_ID.test(keyId)) return { problem: `entry ${index + 1} has no valid key id` };
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (key.length !== 32) return { problem: `key ${keyId} must be 32 bytes of base64 (got ${key.length} bytes)` };
    if (keys.has(keyId)) return { problem: `key id ${keyId} appears twice` };
    keys.set(keyId, key);
  }
  return { keyring: { currentKeyId: keys.keys().next().value as string, keys } };
}
