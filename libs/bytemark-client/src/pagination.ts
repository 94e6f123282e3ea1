import { BytemarkResponseError } from './errors';
import { passSchema, type BytemarkPass } from './pass.schema';
import { readPassPage, type Envelope } from './response-handler';

/** A pass the client could not accept, named by uuid (when it has a string one) and the offending field. */
export interface PassReject {
  uuid: string | null;
  /** Position of the pass in its page's array. */
  index: number;
  page: number;
  field: string;
  message: string;
}

/** One page's envelope with the pass array removed (`page_count`, `total_count`, `pagination` kept). */
export interface EnvelopeSummary {
  errors: unknown[];
  server_time: string | null;
  data: Record<string, unknown>;
}

/** The result of a list call: valid passes plus every rejected one, never a silent drop. */
export interface PassList {
  passes: BytemarkPass[];
  rejects: PassReject[];
  envelopes: EnvelopeSummary[];
  pages: number;
  /**
   * Pages read past a full page without `pagination.next` because its `total_count` announced more
   * passes than had arrived (an API that caps the page size without saying so). 0 against a consistent API.
   */
  pagesBeyondNext: number;
  /** Set when the list ended with fewer distinct passes than `total_count` announced. */
  shortOfTotal?: { total: number; received: number };
  /**
   * Set when the list ended although its last page read announced a next one: `page` (an empty page
   * or a page with no new uuid, not kept) or the last page kept (`total-reached`).
   */
  stoppedEarly?: { reason: StopReason; page: number };
}

export type PageProgress = (p: { page: number; passes: number }) => void;

/** Why a list ended although its last page announced a next one. */
export type StopReason = 'empty-page' | 'total-reached' | 'repeated-page';

/** Validates each pass; valid ones are returned verbatim (as received), invalid ones as rejects. */
export function splitPasses(
  items: readonly unknown[],
  page: number,
): { passes: BytemarkPass[]; rejects: PassReject[] } {
  const passes: BytemarkPass[] = [];
  const rejects: PassReject[] = [];
  items.forEach((item, index) => {
    const result = passSchema.safeParse(item);
    if (result.success) {
      passes.push(item as BytemarkPass);
      return;
    }
    const issue = result.error.issues[0];
    const rawUuid = item && typeof item === 'object' ? (item as { uuid?: unknown }).uuid : undefined;
    rejects.push({
      uuid: typeof rawUuid === 'string' && rawUuid !== '' ? rawUuid : null,
      index,
      page,
      field: issue && issue.path.length > 0 ? issue.path.join('.') : '(pass)',
      message: issue?.message ?? 'invalid pass',
    });
  });
  return { passes, rejects };
}

/**
 * Reads pages 1, 2, ... while `data.pagination.next` is truthy, and stops, whatever `next` says
 * (`stoppedEarly`), on an empty page, once `total_count` passes have arrived, or on a page that brings
 * no uuid not seen before (an API that ignores `page`: that page is dropped). An API that announces a
 * next page forever would otherwise cost up to `maxPages` calls per list. A full page (as many passes
 * as the page size: `pagination.per_page` if the API says it, else the size asked for) without `next`
 * whose `total_count` announces more passes than have arrived is not the last one: an API that caps
 * `per_page` without saying so would otherwise truncate the list, and the rebuild would prune the
 * passes it did not see. A list that ends short of its `total_count` is reported (`shortOfTotal`),
 * not guessed at. Counts are hints (a null or a numeric string never fails the list, see countHint).
 * More than `maxPages` pages fails loudly with a BytemarkResponseError instead of looping forever or
 * truncating silently; so does a page without its pass array (see readPassPage), which must never
 * read as an empty list.
 */
export async function collectPassPages(
  route: string,
  fetchPage: (page: number) => Promise<Envelope>,
  opts: { maxPages: number; perPage: number; onPage?: PageProgress },
): Promise<PassList> {
  const list: PassList = { passes: [], rejects: [], envelopes: [], pages: 0, pagesBeyondNext: 0 };
  const seen = new Set<string>();
  /** Distinct passes received: distinct uuids plus rejects without one. */
  let received = 0;
  let beyondNext = false;
  const short = (total: number | undefined) => {
    if (total !== undefined && received < total) list.shortOfTotal = { total, received };
    return list;
  };
  for (let page = 1; ; page += 1) {
    if (page > opts.maxPages) {
      throw new BytemarkResponseError(
        `Bytemark kept announcing a next page on ${route} after ${opts.maxPages} pages (the page cap); refusing to continue`,
        { route },
      );
    }
    const envelope = await fetchPage(page);
    const { items, next, total, perPage = opts.perPage } = readPassPage(route, envelope.data);
    const { passes, rejects } = splitPasses(items, page);
    const uuids = [...passes.map((p) => p.uuid), ...rejects.flatMap((r) => (r.uuid ? [r.uuid] : []))];
    const uuidless = rejects.filter((r) => !r.uuid).length;
    const fresh = new Set(uuids.filter((uuid) => !seen.has(uuid)));
    // A page that is empty or brings nothing new ends the list, whatever `next` says.
    const stop = (reason: StopReason) => {
      if (next) list.stoppedEarly = { reason, page };
      return short(total);
    };
    if (items.length === 0 && page > 1) return stop('empty-page');
    if (items.length > 0 && fresh.size === 0 && uuidless === 0) return stop('repeated-page');
    for (const uuid of fresh) seen.add(uuid);
    for (const p of passes) list.passes.push(p);
    for (const r of rejects) list.rejects.push(r);
    const rest: Record<string, unknown> = { ...envelope.data };
    delete rest['passes'];
    delete rest['results'];
    list.envelopes.push({ errors: envelope.errors, server_time: envelope.server_time, data: rest });
    list.pages = page;
    if (beyondNext) list.pagesBeyondNext += 1;
    received += fresh.size + uuidless;
    opts.onPage?.({ page, passes: items.length });
    if (items.length === 0) return stop('empty-page');
    if (total !== undefined && received >= total) {
      if (next) list.stoppedEarly = { reason: 'total-reached', page };
      return list;
    }
    if (next) {
      beyondNext = false;
      continue;
    }
    beyondNext = total !== undefined && items.length >= perPage;
    if (!beyondNext) return short(total);
  }
}
