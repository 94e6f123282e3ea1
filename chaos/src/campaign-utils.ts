/** Small helpers the campaign's steps share. */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An error as one line: its name and message. */
export const message = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** How many times each value occurs. */
export function countBy(values: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
