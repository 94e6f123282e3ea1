import { Context, type Info } from '@temporalio/activity';

/** One call of a held stub: what it was called with, and how the test ends it. */
export interface HeldCall<I, O> {
  input: I;
  info: Info;
  release(output: O): void;
  fail(error: unknown): void;
}

/**
 * A stub activity whose calls wait until the test ends each one, recorded in the order they
 * started: a spec gates the workflow on these promises, never on latency or sleeps. A call still
 * held when the test's workers stop is cancelled with them.
 */
export class HeldCalls<I, O> {
  readonly calls: Array<HeldCall<I, O>> = [];
  private readonly waiters: Array<() => void> = [];
  private answerAt: { from: number; output: O } | undefined;

  readonly activity = async (input: I): Promise<O> => {
    const context = Context.current();
    const output = new Promise<O>((release, fail) => {
      this.calls.push({ input, info: context.info, release, fail });
    });
    if (this.answerAt && this.calls.length >= this.answerAt.from) this.calls.at(-1)!.release(this.answerAt.output);
    for (const wake of this.waiters.splice(0)) wake();
    return Promise.race([output, context.cancelled]);
  };

  /**
   * Answers the `from`th call and every later one at once with `output`: a spec that expects no
   * more calls sees an extra one in its count, instead of a workflow waiting on it until the timeout.
   */
  answerFrom(from: number, output: O): void {
    this.answerAt = { from, output };
    for (const call of this.calls.slice(from - 1)) call.release(output);
  }

  /** The `n`th call (1 for the first), once it has started. */
  async started(n: number): Promise<HeldCall<I, O>> {
    while (this.calls.length < n) await new Promise<void>((wake) => this.waiters.push(wake));
    return this.calls[n - 1]!;
  }
}
