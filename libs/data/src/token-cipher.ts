import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseKeyring } from '@btc/config';
import { TokenDecryptionError, TokenKeyringError } from './errors';

/** Stored form: `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). Anything else is legacy plaintext. */
export const ENCRYPTED_PREFIX = 'enc:v1:';

/**
 * AES-256-GCM encryption of Bytemark tokens and passwords at rest, under a keyring: the first key
 * encrypts new values, every key decrypts. Legacy plaintext values (written by the original
 * platform) pass through `decrypt` unchanged, so existing rows keep working until encrypted in place.
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

  encrypt(plain: string): string {
    const key = this.keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${ENCRYPTED_PREFIX}${this.currentKeyId}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
  }

  /** Decrypts a stored value; a legacy plaintext value is returned as is. Throws `TokenDecryptionError` naming the key id. */
  decrypt(stored: string): string {
    if (!this.isEncrypted(stored)) return stored;
    const parts = stored.slice(ENCRYPTED_PREFIX.length).split(':');
    const [keyId, ivPart, tagPart, ctPart] = parts;
    if (parts.length !== 4 || !keyId || ivPart === undefined || tagPart === undefined || ctPart === undefined) {
      throw new TokenDecryptionError(
        'encrypted value is malformed (expected enc:v1:<keyId>:<iv>:<tag>:<data>)',
        keyId ?? null,
      );
    }
    const key = this.keys.get(keyId);
    if (!key) {
      throw new TokenDecryptionError(
        `value is encrypted under key id '${keyId}', which is not in the keyring (known: ${[...this.keys.keys()].join(', ')})`,
        keyId,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivPart, 'base64url'));
      decipher.setAuthTag(Buffer.from(tagPart, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ctPart, 'base64url')), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new TokenDecryptionError(
        `value could not be decrypted with key id '${keyId}' (wrong key material or tampered data)`,
        keyId,
        { cause },
      );
    }
  }

  isEncrypted(stored: string): boolean {
    return stored.startsWith(ENCRYPTED_PREFIX);
  }

  /** True when the value is encrypted under a key other than the current one (a rotation candidate). */
  needsReencryption(stored: string): boolean {
    return this.isEncrypted(stored) && !stored.startsWith(`${ENCRYPTED_PREFIX}${this.currentKeyId}:`);
  }
}
