/** Runs `task` for each item with at most `limit` running at once (deterministic: workflow promises only). */
export async function forEachBounded<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const running = new Set<Promise<void>>();
  for (const item of items) {
    if (running.size >= limit) await Promise.race(running);
    const p: Promise<void> = task(item).finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
}
