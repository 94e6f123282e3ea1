import { TokenDecryptionError, TokenKeyringError } from './errors';
import { TokenCipher } from './token-cipher';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

describe('TokenCipher', () => {
  const cipher = TokenCipher.fromKeyring(`k2:${key(2)},k1:${key(1)}`);

  it('round-trips a token under the current key and never stores the plaintext', () => {
    const token = 'oauth-token-abc.def/123+456==';
    const stored = cipher.encrypt(token);
    expect(stored.startsWith('enc:v1:k2:')).toBe(true);
    expect(stored).not.toContain(token);
    expect(cipher.isEncrypted(stored)).toBe(true);
    expect(cipher.decrypt(stored)).toBe(token);
  });

  it('encrypts the same value differently each time (random IV)', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('reads values written under an older key of the keyring', () => {
    const old = TokenCipher.fromKeyring(`k1:${key(1)}`);
    const stored = old.encrypt('legacy-key-token');
    expect(cipher.decrypt(stored)).toBe('legacy-key-token');
    expect(cipher.needsReencryption(stored)).toBe(true);
  });

  it('a value under an unknown key id fails clearly, naming the key id and not the value', () => {
    const other = TokenCipher.fromKeyring(`k9:${key(9)}`);
    const stored = other.encrypt('secret-token-value');
    expect(() => cipher.decrypt(stored)).toThrow(TokenDecryptionError);
    expect(() => cipher.decrypt(stored)).toThrow(/key id 'k9'/);
    try {
      cipher.decrypt(stored);
    } catch (error) {
      expect((error as TokenDecryptionError).keyId).toBe('k9');
      expect((error as Error).message).not.toContain('secret-token-value');
    }
  });

  it('a wrong key under a known key id fails clearly instead of returning garbage', () => {
    const impostor = TokenCipher.fromKeyring(`k2:${key(7)}`);
    const stored = impostor.encrypt('secret');
    expect(() => cipher.decrypt(stored)).toThrow(/could not be decrypted with key id 'k2'/);
  });

  it('a tampered ciphertext is rejected', () => {
    const stored = cipher.encrypt('secret');
    const tampered = stored.slice(0, -2) + (stored.endsWith('A') ? 'BB' : 'AA');
    expect(() => cipher.decrypt(tampered)).toThrow(TokenDecryptionError);
  });

  it('a legacy plaintext value is recognised and returned as is', () => {
    expect(cipher.isEncrypted('plain-token')).toBe(false);
    expect(cipher.decrypt('plain-token')).toBe('plain-token');
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
