import { createInterface } from 'node:readline/promises';
import { CliError, UsageError } from './context';

export interface ConfirmTerminal {
  /** Whether someone can answer: stdin is a terminal. */
  isTTY: boolean;
  /** Asks on the terminal (stderr, so stdout keeps only the result) and returns the answer. */
  ask(question: string): Promise<string>;
}

const PROCESS_TERMINAL: ConfirmTerminal = {
  isTTY: process.stdin.isTTY === true,
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

/**
 * The gate of a destructive command: with `--yes` it goes ahead; on a terminal it asks, and only
 * `y`/`yes` goes ahead (anything else: a `CliError`, exit 1, nothing done); with no terminal to ask
 * on (a script, CI, a pipe into stdin) it refuses with a `UsageError` (exit 2) saying to add --yes.
 */
export async function confirmDestructive(
  what: string,
  opts: { yes?: boolean },
  terminal: ConfirmTerminal = PROCESS_TERMINAL,
): Promise<void> {
  if (opts.yes) return;
  if (!terminal.isTTY) {
    throw new UsageError(
      `refusing to ${what} without --yes: stdin is not a terminal, so nobody can confirm; nothing was done`,
    );
  }
  const answer = (await terminal.ask(`This will ${what}. Continue? [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new CliError(`not confirmed: nothing was done (${what})`);
}
