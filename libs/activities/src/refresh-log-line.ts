import type { RefreshSummary, UserRefreshInput } from '@btc/workflows';

/** A refresh attempt that threw: the error's type (never its message: Temporal logs that) and the attempt. */
export interface RefreshFailure {
  failed: string;
  attempt: number;
}

/**
 * The one log line a refresh writes. `message` is for a person reading the worker's output:
 * `refresh user 1234 updated: +3 ~1 -0, 2 free, 412 ms` (passes created, updated, removed; new free
 * tickets; duration), or `refresh user 1234 failed (BytemarkUnavailableError), attempt 2, 5012 ms`.
 * `fields` are the same facts for queries over the JSON lines: `userId` and `summary` (hidden in a
 * terminal, where the message says it).
 */
export function refreshLogEntry(
  input: UserRefreshInput,
  result: RefreshSummary | RefreshFailure,
  durationMs: number,
): { message: string; fields: Record<string, unknown> } {
  const { userId, trigger, mode } = input;
  if ('failed' in result) {
    return {
      message: `refresh user ${userId} failed (${result.failed}), attempt ${result.attempt}, ${durationMs} ms`,
      fields: {
        userId,
        summary: { outcome: 'failed', errorType: result.failed, attempt: result.attempt, trigger, mode, durationMs },
      },
    };
  }
  const { outcome, created, updated, removed, unchanged, newFreeTickets } = result;
  return {
    message: `refresh user ${userId} ${outcome}: +${created} ~${updated} -${removed}, ${newFreeTickets} free, ${durationMs} ms`,
    fields: {
      userId,
      summary: { outcome, created, updated, removed, unchanged, newFreeTickets, trigger, mode, durationMs },
    },
  };
}
