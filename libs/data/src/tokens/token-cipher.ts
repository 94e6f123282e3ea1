import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseKeyring } from '@btc/config';
import { TokenDecryptionError, TokenKeyringError } from '../errors';

/**
 * Stored form: `enc:v2:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts), AES-256-GCM with the
 * value's place (table, column, user id) as additional data. `enc:v1:` (no additional data) is still
 * read; anything else is legacy plaintext.
 */
export const ENCRYPTED_PREFIX = 'enc:v2:';
/** The unbound form written before v2: still decrypted, rewritten by `tokens rotate`. */
export const LEGACY_ENCRYPTED_PREFIX = 'enc:v1:';
const PREFIXES = [ENCRYPTED_PREFIX, LEGACY_ENCRYPTED_PREFIX] as const;
/** A SQL `LIKE` pattern that matches every encrypted value (`enc:v1:` and `enc:v2:`, prefixes of one length). */
export const ENCRYPTED_LIKE = 'enc:v_:%';

/**
 * Where a value is stored: what a v2 ciphertext is bound to. A value copied to another user's row,
 * another column or another table fails to decrypt there instead of passing for that user's.
 */
export interface TokenBinding {
  table: string;
  column: 'password' | 'token';
  userId: number;
}

function describeBinding(b: TokenBinding): string {
  return `${b.table}.${b.column} of user ${b.userId}`;
}

function additionalData(b: TokenBinding): Buffer {
  return Buffer.from(`btc-token:${b.table}:${b.column}:${b.userId}`, 'utf8');
}

/**
 * AES-256-GCM encryption of Bytemark tokens and passwords at rest, under a keyring: the first key
 * encrypts new values, every key decrypts. Each value is bound to its place (TokenBinding) through
 * GCM's additional data. Legacy plaintext values (written by the original platform) pass through
 * `decrypt` unchanged, so existing rows keep working until encrypted in place.
 */
export class TokenCipher {
  private constructor(
    private readonly currentKeyId: string,
    private readonly keys: ReadonlyMap<string, Buffer>,
  ) {}

  /** `'k2:<base64 32 bytes>,k1:<base64 32 bytes>'`: the first key is current. */
  static fromKeyring(spec: string): TokenCipher {
    const parsed = parseKeyring(spec);
    if ('problem' in parsed)
      throw new TokenKeyringError(`token keyring: ${parsed.problem} (expected keyId:base64-32-bytes[,...])`);
    return new TokenCipher(parsed.keyring.currentKeyId, parsed.keyring.keys);
  }

  /** The key id new values are encrypted under. */
  get keyId(): string {
    return this.currentKeyId;
  }

  /** Encrypts `plain` for the place `binding` names (v2): it decrypts there only. */
  encrypt(plain: string, binding: TokenBinding): string {
    const key = this.keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(additionalData(binding));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${ENCRYPTED_PREFIX}${this.currentKeyId}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
  }

  /**
   * Decrypts a value stored at `binding`; a legacy plaintext value is returned as is, a v1 value is
   * read without additional data. Throws `TokenDecryptionError` naming the key id and the place,
   * never the value: an unknown key id, a malformed value, wrong key material, tampered data, or a
   * v2 value copied from another row or column.
   */
  decrypt(stored: string, binding: TokenBinding): string {
    const prefix = PREFIXES.find((p) => stored.startsWith(p));
    if (!prefix) return stored;
    const parts = stored.slice(prefix.length).split(':');
    const [keyId, ivPart, tagPart, ctPart] = parts;
    if (parts.length !== 4 || !keyId || ivPart === undefined || tagPart === undefined || ctPart === undefined) {
      throw new TokenDecryptionError(
        `encrypted value of ${describeBinding(binding)} is malformed (expected ${prefix}<keyId>:<iv>:<tag>:<data>)`,
        keyId ?? null,
      );
    }
    const key = this.keys.get(keyId);
    if (!key) {
      throw new TokenDecryptionError(
        `value of ${describeBinding(binding)} is encrypted under key id '${keyId}', which is not in the keyring (known: ${[...this.keys.keys()].join(', ')})`,
        keyId,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivPart, 'base64url'));
      if (prefix === ENCRYPTED_PREFIX) decipher.setAAD(additionalData(binding));
      decipher.setAuthTag(Buffer.from(tagPart, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ctPart, 'base64url')), decipher.final()]).toString('utf8');
    } catch (cause) {
      const copied = prefix === ENCRYPTED_PREFIX ? ', or a value copied from another row or column' : '';
      throw new TokenDecryptionError(
        `value of ${describeBinding(binding)} could not be decrypted with key id '${keyId}' (wrong key material, tampered data${copied})`,
        keyId,
        { cause },
      );
    }
  }

  isEncrypted(stored: string): boolean {
    return PREFIXES.some((p) => stored.startsWith(p));
  }

  /** True when the value is encrypted under a key other than the current one, or unbound (v1): a rotation candidate. */
  needsReencryption(stored: string): boolean {
    return this.isEncrypted(stored) && !stored.startsWith(`${ENCRYPTED_PREFIX}${this.currentKeyId}:`);
  }
}
