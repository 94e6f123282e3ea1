import fc from 'fast-check';
import { BytemarkAuthError, BytemarkRateLimitError, BytemarkResponseError, BytemarkUnavailableError } from './errors';
import { splitPasses } from './pagination';
import { passProductUuid } from './pass.schema';
import { DEFAULT_RETRY_AFTER_MS, handleResponse, parseRetryAfter } from './response-handler';

const ok = (body: unknown, status = 200) => ({ status, headers: {}, body: JSON.stringify(body) });

describe('response handler', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-06-01T00:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 00:00:09 GMT', now)).toBe(9000);
    expect(parseRetryAfter('Sat, 31 May 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('a 429 without a readable Retry-After waits the default', () => {
    const error = (() => {
      try {
        handleResponse('GET /passes', ok({ errors: [] }, 429));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BytemarkRateLimitError);
    expect((error as BytemarkRateLimitError).retryAfterMs).toBe(DEFAULT_RETRY_AFTER_MS);
  });

  it('maps statuses and Bytemark error codes to the error classes', () => {
    expect(() => handleResponse('r', ok({ errors: [{ code: 50020, message: 'expired' }] }))).toThrow(BytemarkAuthError);
    expect(() => handleResponse('r', ok({ errors: [{ code: 1234, message: 'nope' }] }))).toThrow(BytemarkResponseError);
    expect(() => handleResponse('r', { status: 502, headers: {}, body: '<html>' })).toThrow(BytemarkUnavailableError);
    expect(() => handleResponse('r', ok({ errors: [] }, 403))).toThrow(BytemarkAuthError);
    expect(() => handleResponse('r', ok({ errors: [] }, 404))).toThrow(BytemarkResponseError);
    expect(() => handleResponse('r', ok({ errors: [], data: 'text' }))).toThrow(BytemarkResponseError);
    expect(handleResponse('r', ok({ error: null, data: { a: 1 } }))).toEqual({
      errors: [],
      server_time: null,
      data: { a: 1 },
    });
  });

  it('the product uuid falls back from product_uuid to product.uuid to null', () => {
    const base = { uuid: 'u', status: 'USABLE', time_created: 't' };
    expect(passProductUuid({ ...base, product_uuid: 'a', product: { uuid: 'b' } })).toBe('a');
    expect(passProductUuid({ ...base, product_uuid: null, product: { uuid: 'b' } })).toBe('b');
    expect(passProductUuid(base)).toBeNull();
  });

  it('every item of a page is either returned or rejected, never dropped', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.anything(),
            fc.record({ uuid: fc.string(), status: fc.string(), time_created: fc.string(), product_uuid: fc.string() }),
          ),
        ),
        (items) => {
          const { passes, rejects } = splitPasses(items, 1);
          expect(passes.length + rejects.length).toBe(items.length);
        },
      ),
    );
  });
});
