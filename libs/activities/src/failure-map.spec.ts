import { ApplicationFailure } from '@temporalio/common';
import { BytemarkForbiddenError, BytemarkRateLimitError, BytemarkResponseError } from '@btc/bytemark-client';
import { CacheDocumentTooLargeError, TokenDecryptionError, TransientDatabaseError } from '@btc/data';
import { FAILURE_MAP, toActivityFailure } from './failure-map';
import { NotificationError } from './errors';

const asFailure = (error: unknown, attempt = 1) => toActivityFailure(error, attempt) as ApplicationFailure;

describe('the failure map', () => {
  it('names each failure type after its error class, once', () => {
    const types = FAILURE_MAP.map(([errorClass, rule]) => [errorClass.name, rule.type]);
    for (const [name, type] of types) expect(type).toBe(name);
    expect(new Set(types.map(([, type]) => type)).size).toBe(types.length);
  });

  it('fails at once on what can never succeed: a key that cannot decrypt, a document over 16 MB, a 403', () => {
    for (const error of [
      new TokenDecryptionError("value could not be decrypted with key id 'k1'", 'k1'),
      new CacheDocumentTooLargeError(7, 17_000_000, 16_777_216, 20_000),
      new BytemarkForbiddenError('forbidden', { route: 'GET /passes', status: 403 }),
    ]) {
      const failure = asFailure(error);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: error.constructor.name, nonRetryable: true, details: [{ alert: true }] });
    }
  });

  it('retries what may pass: a lost connection; a 429 waits its Retry-After', () => {
    const lost = { code: 'PROTOCOL_CONNECTION_LOST', errno: null, errorName: 'Error' };
    expect(asFailure(new TransientDatabaseError('insert', lost))).toMatchObject({
      nonRetryable: false,
    });
    const limited = new BytemarkRateLimitError('slow down', { route: 'GET /passes', status: 429, retryAfterMs: 7000 });
    expect(asFailure(limited)).toMatchObject({
      type: 'BytemarkRateLimitError',
      nonRetryable: false,
      nextRetryDelay: 7000,
    });
  });

  it('gives a malformed response a few attempts, then none; a notification 4xx none, a 5xx more', () => {
    const malformed = new BytemarkResponseError('not JSON', { route: 'GET /passes', status: 200 });
    expect(asFailure(malformed, 1).nonRetryable).toBe(false);
    expect(asFailure(malformed, 3).nonRetryable).toBe(true);
    expect(asFailure(new NotificationError('HTTP 400', 400)).nonRetryable).toBe(true);
    expect(asFailure(new NotificationError('HTTP 503', 503)).nonRetryable).toBe(false);
  });

  it('leaves an error it does not list as it is (Temporal retries it)', () => {
    const plain = new Error('surprise');
    expect(toActivityFailure(plain, 1)).toBe(plain);
  });
});
