import { status } from '@grpc/grpc-js';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '@btc/workflows';
import { SearchAttributesMissingError } from './errors';

const INDEXED_VALUE_TYPE = {
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
} as const;

type SearchAttribute = (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES];

/** What a server without the operator service for us answers: Temporal Cloud, or a role without it. */
const REFUSED = new Set<number>([status.PERMISSION_DENIED, status.UNIMPLEMENTED]);

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

function refusal(error: unknown): string {
  const code = codeOf(error);
  const name = code === undefined ? 'an error' : (status[code] ?? String(code));
  const details = String((error as { details?: unknown }).details ?? '').slice(0, 200);
  return details ? `${name}: ${details}` : name;
}

/**
 * Which attributes exist, asked through the visibility API that every server offers (Cloud too): a count
 * query on an attribute the namespace lacks is refused with INVALID_ARGUMENT ("not a valid search attribute").
 */
async function missingByQuery(client: Client, namespace: string): Promise<SearchAttribute[]> {
  const missing: SearchAttribute[] = [];
  for (const attribute of Object.values(SEARCH_ATTRIBUTES)) {
    const query = `${attribute.name} = ${attribute.type === 'Int' ? '0' : "''"}`;
    try {
      await client.workflowService.countWorkflowExecutions({ namespace, query });
    } catch (error) {
      if (codeOf(error) !== status.INVALID_ARGUMENT) throw error;
      missing.push(attribute);
    }
  }
  return missing;
}

/**
 * Registers our custom search attributes on a server that lacks them; returns the names it added.
 * Where the operator service is refused (Temporal Cloud), checks through the visibility API that they
 * exist, and when some do not, throws `SearchAttributesMissingError` with the tcld command and the
 * Terraform resources that add them.
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<string[]> {
  let missing: SearchAttribute[];
  try {
    const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set(Object.keys(existing.customAttributes ?? {}));
    missing = Object.values(SEARCH_ATTRIBUTES).filter((a) => !known.has(a.name));
  } catch (error) {
    if (!REFUSED.has(codeOf(error) ?? -1)) throw error;
    const absent = await missingByQuery(client, namespace);
    if (absent.length === 0) return [];
    throw new SearchAttributesMissingError(namespace, absent, refusal(error));
  }
  if (missing.length === 0) return [];
  try {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((a) => [a.name, INDEXED_VALUE_TYPE[a.type]])),
    });
  } catch (error) {
    if (REFUSED.has(codeOf(error) ?? -1)) throw new SearchAttributesMissingError(namespace, missing, refusal(error));
    // Registered concurrently by another instance.
    if (codeOf(error) !== status.ALREADY_EXISTS) throw error;
  }
  return missing.map((a) => a.name);
}
