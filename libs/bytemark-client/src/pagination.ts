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
 * Reads pages 1, 2, ... while `data.pagination.next` is truthy. More than `maxPages` pages fails
 * loudly with a BytemarkResponseError instead of looping forever or truncating silently; so does a
 * page without its pass array (see readPassPage), which must never read as an empty list.
 */
export async function collectPassPages(
  route: string,
  fetchPage: (page: number) => Promise<Envelope>,
  opts: { maxPages: number; onPage?: PageProgress },
): Promise<PassList> {
  const list: PassList = { passes: [], rejects: [], envelopes: [], pages: 0 };
  for (let page = 1; ; page += 1) {
    if (page > opts.maxPages) {
      throw new BytemarkResponseError(
        `Bytemark kept announcing a next page on ${route} after ${opts.maxPages} pages (the page cap); refusing to continue`,
        { route },
      );
    }
    const envelope = await fetchPage(page);
    const { items, next } = readPassPage(route, envelope.data);
    const { passes, rejects } = splitPasses(items, page);
    for (const p of passes) list.passes.push(p);
    for (const r of rejects) list.rejects.push(r);
    const rest: Record<string, unknown> = { ...envelope.data };
    delete rest['passes'];
    delete rest['results'];
    list.envelopes.push({ errors: envelope.errors, server_time: envelope.server_time, data: rest });
    list.pages = page;
    opts.onPage?.({ page, passes: items.length });
    if (!next) return list;
  }
}
