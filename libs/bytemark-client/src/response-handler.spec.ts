import fc from 'fast-check';
import {
  BytemarkAuthError,
  BytemarkForbiddenError,
  BytemarkRateLimitError,
  BytemarkResponseError,
  BytemarkResponseTooLargeError,
  BytemarkUnavailableError,
} from './errors';
import { collectPassPages, splitPasses } from './pagination';
import { passProductUuid } from './pass.schema';
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRY_AFTER_MS,
  handleResponse,
  parseRetryAfter,
  readPassPage,
  transportError,
  type Envelope,
} from './response-handler';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

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
    expect(() => handleResponse('r', ok({ errors: [] }, 401))).toThrow(BytemarkAuthError);
    expect(() => handleResponse('r', ok({ errors: [] }, 403))).toThrow(BytemarkForbiddenError);
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

  it('a 403 is a forbidden error, not an auth error, even with an HTML body from a proxy', () => {
    const error = thrown(() =>
      handleResponse('GET /passes', { status: 403, headers: {}, body: '<html>Forbidden</html>' }),
    );
    expect(error).toBeInstanceOf(BytemarkForbiddenError);
    expect(error).not.toBeInstanceOf(BytemarkAuthError);
    expect(error).toMatchObject({ type: 'forbidden', route: 'GET /passes', status: 403 });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'BytemarkForbiddenError', type: 'forbidden' });
  });

  it('a 401 or a session-expired code on any status is an auth error (re-login may help)', () => {
    expect(thrown(() => handleResponse('r', ok({ errors: [] }, 401)))).toMatchObject({ type: 'auth', status: 401 });
    const expired = { errors: [{ code: 50020, message: 'Unfortunately, your session has expired.' }] };
    expect(thrown(() => handleResponse('r', ok(expired, 403)))).toMatchObject({ type: 'auth', code: 50020 });
    expect(thrown(() => handleResponse('r', ok(expired, 200)))).toBeInstanceOf(BytemarkAuthError);
  });

  it('a Retry-After of a day waits only the cap, and the error keeps what the server asked for', () => {
    const error = thrown(() =>
      handleResponse('GET /passes', { status: 429, headers: { 'retry-after': '86400' }, body: '' }),
    ) as BytemarkRateLimitError;
    expect(error).toBeInstanceOf(BytemarkRateLimitError);
    expect(error.retryAfterMs).toBe(DEFAULT_MAX_RETRY_AFTER_MS);
    expect(error.serverRetryAfterMs).toBe(86_400_000);
    expect(error.message).toContain('capped');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ retryAfterMs: 300_000, serverRetryAfterMs: 86_400_000 });
  });

  it('a Retry-After HTTP date far ahead waits only the configured cap', () => {
    const now = Date.parse('2025-06-01T00:00:00Z');
    const res = { status: 429, headers: { 'retry-after': 'Wed, 01 Jun 2033 00:00:00 GMT' }, body: '' };
    const error = thrown(() => handleResponse('r', res, { now, maxRetryAfterMs: 60_000 })) as BytemarkRateLimitError;
    expect(error.retryAfterMs).toBe(60_000);
    expect(error.serverRetryAfterMs).toBeGreaterThan(8 * 365 * 86_400_000);
  });

  it('a Retry-After under the cap is honoured as sent', () => {
    const res = { status: 429, headers: { 'retry-after': '12' }, body: '' };
    const error = thrown(() => handleResponse('r', res)) as BytemarkRateLimitError;
    expect(error.retryAfterMs).toBe(12_000);
    expect(error.serverRetryAfterMs).toBe(12_000);
    expect(error.message).not.toContain('capped');
  });

  it('any Retry-After, however absurd, yields a wait between 0 and the cap', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.nat().map(String),
          fc.double().map(String),
          fc.date().map((d) => d.toUTCString()),
        ),
        fc.nat(3_600_000),
        (header, cap) => {
          const error = thrown(() =>
            handleResponse(
              'r',
              { status: 429, headers: { 'retry-after': header }, body: '' },
              { maxRetryAfterMs: cap },
            ),
          ) as BytemarkRateLimitError;
          expect(error.retryAfterMs).toBeGreaterThanOrEqual(0);
          expect(error.retryAfterMs).toBeLessThanOrEqual(cap);
          expect(Number.isFinite(error.retryAfterMs)).toBe(true);
        },
      ),
    );
  });

  it('a number-like string that is not a date is unreadable, not an immediate retry', () => {
    expect(parseRetryAfter('5, 10')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
    expect(parseRetryAfter('9'.repeat(400))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('a passes page without its pass array is malformed, never an empty list', () => {
    for (const data of [{}, { page_count: 0, total_count: 40, pagination: { next: null } }, { items: [] }]) {
      const error = thrown(() => readPassPage('GET /passes', data));
      expect(error).toBeInstanceOf(BytemarkResponseError);
      expect(error).toMatchObject({ route: 'GET /passes', field: 'data.passes' });
      expect((error as Error).message).toContain('without its pass array');
    }
    expect(() => readPassPage('r', { passes: null })).toThrow(BytemarkResponseError);
    expect(() => readPassPage('r', { results: 'x' })).toThrow(BytemarkResponseError);
  });

  it('an envelope with data null is malformed when read as a passes page', () => {
    const envelope = handleResponse('GET /passes', ok({ errors: [], data: null }));
    expect(() => readPassPage('GET /passes', envelope.data)).toThrow(BytemarkResponseError);
  });

  it('an explicitly empty pass array, in data.passes or data.results, is a legitimate empty list', () => {
    expect(readPassPage('r', { passes: [], pagination: { next: null } })).toEqual({ items: [], next: false });
    expect(readPassPage('r', { results: [] })).toEqual({ items: [], next: false });
    // A last page whose pagination leaves `next` out (rather than null) is a last page, not a malformed one.
    expect(readPassPage('r', { passes: [], pagination: { page: 2, per_page: 20 } })).toEqual({
      items: [],
      next: false,
      perPage: 20,
    });
    expect(readPassPage('r', { results: [{ uuid: 'a' }], pagination: { next: 'x' } })).toEqual({
      items: [{ uuid: 'a' }],
      next: true,
    });
  });

  it('a later page without its pass array fails the whole list, so no partial list is returned', async () => {
    const pages: Envelope[] = [
      {
        errors: [],
        server_time: null,
        data: {
          passes: [{ uuid: 'p-1', status: 'USABLE', time_created: '2025-01-01T00:00:00Z', product_uuid: 'x' }],
          pagination: { next: 'p2' },
        },
      },
      { errors: [], server_time: null, data: { pagination: { next: null } } },
    ];
    await expect(
      collectPassPages('GET /passes', (page) => Promise.resolve(pages[page - 1] as Envelope), {
        maxPages: 10,
        perPage: 9999,
      }),
    ).rejects.toMatchObject({ type: 'response', field: 'data.passes' });
  });

  describe('a full page without pagination.next whose total_count announces more passes', () => {
    const pass = (n: number) => ({
      uuid: `p-${n}`,
      status: 'USABLE',
      time_created: '2025-01-01T00:00:00Z',
      product_uuid: 'x',
    });
    /** Passes `from`..`to`-1 of a list of `total`, as an API applying a page size of `perPage` sends them. */
    const page = (from: number, to: number, total: number, perPage?: number, next: string | null = null): Envelope => ({
      errors: [],
      server_time: null,
      data: {
        passes: Array.from({ length: to - from }, (_, i) => pass(from + i)),
        total_count: total,
        pagination: { next, ...(perPage ? { per_page: perPage } : {}) },
      },
    });
    const collect = async (pages: Envelope[], perPage = 9999) => {
      const asked: number[] = [];
      const list = await collectPassPages(
        'GET /passes',
        (n) => {
          asked.push(n);
          return Promise.resolve(pages[n - 1] ?? page(0, 0, 0));
        },
        { maxPages: 10, perPage },
      );
      return { list, asked };
    };

    it('reads on until the count is reached (an API capping per_page at 100 and saying so), never truncating', async () => {
      const { list, asked } = await collect([
        page(0, 100, 250, 100),
        page(100, 200, 250, 100),
        page(200, 250, 250, 100),
      ]);
      expect(list.passes.map((p) => p.uuid)).toEqual(Array.from({ length: 250 }, (_, i) => `p-${i}`));
      expect(asked).toEqual([1, 2, 3]);
      expect(list).toMatchObject({ pages: 3, pagesBeyondNext: 2 });
      expect(list.shortOfTotal).toBeUndefined();
    });

    it('a full page of the size asked for counts too; a page that brings nothing new (page ignored) ends the list, dropped', async () => {
      const full = await collect([page(0, 50, 120), page(50, 100, 120), page(100, 120, 120)], 50);
      expect(full.list.passes).toHaveLength(120);
      const ignored = await collect([page(0, 50, 120), page(0, 50, 120)], 50);
      expect(ignored.asked).toEqual([1, 2]);
      expect(ignored.list).toMatchObject({ pages: 1, pagesBeyondNext: 0, shortOfTotal: { total: 120, received: 50 } });
      expect(ignored.list.passes).toHaveLength(50);
    });

    it('a page read past a missing next that holds only rejected passes keeps them as rejects (they are never pruned)', async () => {
      const invalid = (n: number) => ({ uuid: `p-${n}`, status: 'USABLE' });
      const second: Envelope = {
        errors: [],
        server_time: null,
        data: { passes: Array.from({ length: 20 }, (_, i) => invalid(50 + i)), total_count: 70, pagination: {} },
      };
      const { list } = await collect([page(0, 50, 70), second], 50);
      expect(list.passes).toHaveLength(50);
      expect(list.rejects.map((r) => r.uuid)).toEqual(Array.from({ length: 20 }, (_, i) => `p-${50 + i}`));
      expect(list.shortOfTotal).toBeUndefined();
    });

    it('a page that is not full is the last one whatever total_count says, and the shortfall is reported', async () => {
      const { list, asked } = await collect([page(0, 3, 40)]);
      expect(asked).toEqual([1]);
      expect(list.passes).toHaveLength(3);
      expect(list.shortOfTotal).toEqual({ total: 40, received: 3 });
      expect((await collect([page(0, 20, 20)])).list.shortOfTotal).toBeUndefined();
      expect((await collect([page(0, 20, 30, 20, 'p2'), page(20, 30, 30, 20)])).list).toMatchObject({
        pagesBeyondNext: 0,
        pages: 2,
      });
    });
  });

  it('an axios body overflow becomes a too-large response error naming the limit', () => {
    const overflow = Object.assign(new Error('maxContentLength size of 1048576 exceeded'), {
      code: 'ERR_BAD_RESPONSE',
    });
    const error = transportError('GET /passes', overflow, { timeoutMs: 1000, maxResponseBytes: 1_048_576 });
    expect(error).toBeInstanceOf(BytemarkResponseTooLargeError);
    expect(error).toBeInstanceOf(BytemarkResponseError);
    expect(error).toMatchObject({ type: 'response', route: 'GET /passes', limitBytes: 1_048_576 });
    expect(error.message).toContain('1 MiB limit');
    const cut = Object.assign(new Error('stream has been aborted'), { code: 'ERR_BAD_RESPONSE' });
    expect(transportError('r', cut, { timeoutMs: 1000, maxResponseBytes: 1 })).toBeInstanceOf(BytemarkUnavailableError);
  });
});
