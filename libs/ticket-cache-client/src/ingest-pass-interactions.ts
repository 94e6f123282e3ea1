import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  MAX_INLINE_INTERACTIONS,
  TICKET_CACHE_TASK_QUEUE,
  ingestWorkflowId,
  type IngestInput,
  type IngestResult,
  type PassInteractionInput,
} from '@btc/workflows';
import { ingestPassInteractionsWorkflow } from '@btc/workflows/workflows';

/** Where large batches are put for the worker to read (e.g. `StagingRepository` from `@btc/data`). */
export interface StagingPort {
  put(p: { key: string; value: unknown[] }): Promise<unknown>;
}

export interface IngestOptions {
  /** Required for batches over `MAX_INLINE_INTERACTIONS` rows: they travel by reference, not in history. */
  staging?: StagingPort;
  taskQueue?: string;
}

/**
 * Logs pass interactions into `hntb_bytemark_pass` durably and waits for the report (inserted,
 * duplicates, rejects with reasons). The batch id is a hash of its content: submitting the same
 * batch again returns the first run's result instead of running it twice.
 */
export async function ingestPassInteractions(
  client: Client,
  rows: PassInteractionInput[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  const batchId = createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 32);
  const workflowId = ingestWorkflowId(batchId);
  let input: IngestInput = { rows };
  if (rows.length > MAX_INLINE_INTERACTIONS) {
    if (!options.staging) {
      throw new RangeError(
        `${rows.length} rows exceed ${MAX_INLINE_INTERACTIONS}; pass options.staging to send them by reference`,
      );
    }
    const stagingKey = `ingest/${batchId}`;
    await options.staging.put({ key: stagingKey, value: rows });
    input = { stagingKey };
  }
  try {
    const handle = await client.workflow.start(ingestPassInteractionsWorkflow, {
      workflowId,
      taskQueue: options.taskQueue ?? TICKET_CACHE_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      staticSummary: `Ingest ${rows.length} pass interactions`,
    });
    return await handle.result();
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return client.workflow.getHandle<typeof ingestPassInteractionsWorkflow>(workflowId).result();
  }
}
