import { TokenDecryptionError, TokenKeyringError } from '../errors';
import { encryptV1 } from '../testing';
import { TokenCipher, type TokenBinding } from './token-cipher';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const A: TokenBinding = { table: 'bytemark_tokens', column: 'token', userId: 1 };

describe('TokenCipher', () => {
  const cipher = TokenCipher.fromKeyring(`k2:${key(2)},k1:${key(1)}`);

  it('round-trips a token under the current key and never stores the plaintext', () => {
    const token = 'oauth-token-abc.def/123+456==';
    const stored = cipher.encrypt(token, A);
    expect(stored.startsWith('enc:v2:k2:')).toBe(true);
    expect(stored).not.toContain(token);
    expect(cipher.isEncrypted(stored)).toBe(true);
    expect(cipher.decrypt(stored, A)).toBe(token);
  });

  it('encrypts the same value differently each time (random IV)', () => {
    expect(cipher.encrypt('same', A)).not.toBe(cipher.encrypt('same', A));
  });

  it('reads values written under an older key of the keyring', () => {
    const old = TokenCipher.fromKeyring(`k1:${key(1)}`);
    const stored = old.encrypt('legacy-key-token', A);
    expect(cipher.decrypt(stored, A)).toBe('legacy-key-token');
    expect(cipher.needsReencryption(stored)).toBe(true);
  });

  it('a value under an unknown key id fails clearly, naming the key id and not the value', () => {
    const other = TokenCipher.fromKeyring(`k9:${key(9)}`);
    const stored = other.encrypt('secret-token-value', A);
    expect(() => cipher.decrypt(stored, A)).toThrow(TokenDecryptionError);
    expect(() => cipher.decrypt(stored, A)).toThrow(/key id 'k9'/);
    try {
      cipher.decrypt(stored, A);
    } catch (error) {
      expect((error as TokenDecryptionError).keyId).toBe('k9');
      expect((error as Error).message).not.toContain('secret-token-value');
    }
  });

  it('a wrong key under a known key id fails clearly instead of returning garbage', () => {
    const impostor = TokenCipher.fromKeyring(`k2:${key(7)}`);
    const stored = impostor.encrypt('secret', A);
    expect(() => cipher.decrypt(stored, A)).toThrow(/could not be decrypted with key id 'k2'/);
  });

  it('a tampered ciphertext is rejected', () => {
    const stored = cipher.encrypt('secret', A);
    const tampered = stored.slice(0, -2) + (stored.endsWith('A') ? 'BB' : 'AA');
    expect(() => cipher.decrypt(tampered, A)).toThrow(TokenDecryptionError);
  });

  it('a legacy plaintext value is recognised and returned as is', () => {
    expect(cipher.isEncrypted('plain-token')).toBe(false);
    expect(cipher.decrypt('plain-token', A)).toBe('plain-token');
  });

  it('a value is bound to its table, column and user: copied anywhere else it fails, saying so', () => {
    const stored = cipher.encrypt('token-of-user-1', A);
    for (const elsewhere of [
      { ...A, userId: 2 },
      { ...A, column: 'password' as const },
      { ...A, table: 'bytemark_tokens_encrypted' },
    ]) {
      expect(() => cipher.decrypt(stored, elsewhere)).toThrow(TokenDecryptionError);
      expect(() => cipher.decrypt(stored, elsewhere)).toThrow(/another row or column/);
    }
    expect(() => cipher.decrypt(stored, { ...A, userId: 2 })).toThrow(/bytemark_tokens\.token of user 2/);
    expect(cipher.decrypt(stored, A)).toBe('token-of-user-1');
  });

  it('a v1 value (unbound, written before v2) still decrypts anywhere and is a rotation candidate even under the current key', () => {
    const v1 = encryptV1('old-token', 'k2', key(2));
    expect(cipher.isEncrypted(v1)).toBe(true);
    expect(cipher.decrypt(v1, A)).toBe('old-token');
    expect(cipher.decrypt(v1, { ...A, userId: 9 })).toBe('old-token');
    expect(cipher.needsReencryption(v1)).toBe(true);
    expect(cipher.needsReencryption(cipher.encrypt('new', A))).toBe(false);
  });

  it('rejects malformed keyrings without echoing key material', () => {
    expect(() => TokenCipher.fromKeyring('')).toThrow(TokenKeyringError);
    expect(() => TokenCipher.fromKeyring('k1:c2hvcnQ=')).toThrow(/k1 must be 32 bytes/);
    expect(() => TokenCipher.fromKeyring(`:${key(1)}`)).toThrow(/no valid key id/);
    expect(() => TokenCipher.fromKeyring(`k1:${key(1)},k1:${key(2)}`)).toThrow(/appears twice/);
    try {
      TokenCipher.fromKeyring('k1:c2hvcnQ=');
    } catch (error) {
      expect((error as Error).message).not.toContain('c2hvcnQ=');
    }
  });
});
