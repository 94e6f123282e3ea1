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
   * Pages read past a page without `pagination.next` because its `total_count` announced more passes
   * than had arrived (an API that caps the page size without saying so). 0 against a consistent API.
   */
  pagesBeyondNext: number;
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
 * Reads pages 1, 2, ... while `data.pagination.next` is truthy. A page without `next` whose
 * `total_count` says more passes exist than have arrived is not taken as the last one (an API that
 * caps `per_page` silently would otherwise truncate the list, and the rebuild would prune the passes
 * it did not see): the next page is read too, until the count is reached or a page brings no pass
 * not seen before (an API that ignores `page`; such a page is dropped). More than `maxPages` pages
 * fails loudly with a BytemarkResponseError instead of looping forever or truncating silently; so
 * does a page without its pass array (see readPassPage), which must never read as an empty list.
 */
export async function collectPassPages(
  route: string,
  fetchPage: (page: number) => Promise<Envelope>,
  opts: { maxPages: number; onPage?: PageProgress },
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
    const { items, next, total } = readPassPage(route, envelope.data);
    const { passes, rejects } = splitPasses(items, page);
    if (beyondNext && !passes.some((p) => !seen.has(p.uuid))) return list;
    for (const p of passes) {
      list.passes.push(p);
      seen.add(p.uuid);
    }
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
    beyondNext = total !== undefined && received < total && items.length > 0;
    if (!beyondNext) return list;
  }
}
