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
  /** Set when the last page was not full yet `total_count` announced more passes than arrived. */
  shortOfTotal?: { total: number; received: number };
}

export type PageProgress = (p: { page: number; passes: number }) => void;

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
 * Reads pages 1, 2, ... while `data.pagination.next` is truthy. A full page (as many passes as the
 * page size: `pagination.per_page` if the API says it, else the size asked for) without `next` whose
 * `total_count` announces more passes than have arrived is not the last one: an API that caps
 * `per_page` without saying so would otherwise truncate the list, and the rebuild would prune the
 * passes it did not see. The next pages are read until the count is reached, a page is not full, or
 * a page brings no pass not seen before (an API that ignores `page`; that page is dropped). A last
 * page that is not full while the count says more is reported (`shortOfTotal`), not guessed at.
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
  let received = 0;
  let beyondNext = false;
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
    // Past a missing `next`, a page with no uuid not seen before (valid or rejected) is a repeat: dropped.
    const uuids = [...passes.map((p) => p.uuid), ...rejects.flatMap((r) => (r.uuid ? [r.uuid] : []))];
    if (beyondNext && !uuids.some((uuid) => !seen.has(uuid))) {
      list.shortOfTotal = { total: total ?? received, received };
      return list;
    }
    for (const uuid of uuids) seen.add(uuid);
    for (const p of passes) list.passes.push(p);
    for (const r of rejects) list.rejects.push(r);
    const rest: Record<string, unknown> = { ...envelope.data };
    delete rest['passes'];
    delete rest['results'];
    list.envelopes.push({ errors: envelope.errors, server_time: envelope.server_time, data: rest });
    list.pages = page;
    if (beyondNext) list.pagesBeyondNext += 1;
    received += items.length;
    opts.onPage?.({ page, passes: items.length });
    if (next) {
      beyondNext = false;
      continue;
    }
    if (total === undefined || received >= total) return list;
    beyondNext = items.length >= perPage;
    if (!beyondNext) {
      list.shortOfTotal = { total, received };
      return list;
    }
  }
}
