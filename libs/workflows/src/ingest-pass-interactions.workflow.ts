import { ApplicationFailure, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import {
  MAX_INLINE_INTERACTIONS,
  type IngestResult,
  type PassInteractionInput,
  type ResearchActivities,
  type StagingActivities,
} from './activity-contracts';
import { INVALID_INGEST_INPUT_FAILURE } from './ids';
import { DATABASE_ACTIVITY } from './retry-policies';

const research = proxyActivities<ResearchActivities>({ ...DATABASE_ACTIVITY, startToCloseTimeout: '30 minutes' });
const db = proxyActivities<StagingActivities>(DATABASE_ACTIVITY);

export interface IngestInput {
  rows?: PassInteractionInput[];
  stagingKey?: string;
}

/**
 * Durable ingestion of pass interactions into `hntb_bytemark_pass` for other services. The workflow
 * id is derived from the batch's content, so the same batch submitted twice runs once; the insert is
 * idempotent too (primary key), so even a second run inserts nothing.
 */
export async function ingestPassInteractionsWorkflow(input: IngestInput): Promise<IngestResult> {
  if ((input.rows === undefined) === (input.stagingKey === undefined)) {
    throw ApplicationFailure.nonRetryable('give exactly one of rows or stagingKey', INVALID_INGEST_INPUT_FAILURE);
  }
  if (input.rows && input.rows.length > MAX_INLINE_INTERACTIONS) {
    throw ApplicationFailure.nonRetryable(
      `${input.rows.length} rows inline; batches over ${MAX_INLINE_INTERACTIONS} go by staging key`,
      INVALID_INGEST_INPUT_FAILURE,
    );
  }
  setCurrentDetails(
    input.stagingKey ? `ingesting staged batch ${input.stagingKey}` : `ingesting ${input.rows?.length} rows`,
  );
  const result = await research.ingestPassInteractions(input);
  if (input.stagingKey) await db.discardStaging({ keys: [input.stagingKey] });
  setCurrentDetails(`${result.inserted} inserted, ${result.duplicates} duplicates, ${result.rejected} rejected`);
  return result;
}
