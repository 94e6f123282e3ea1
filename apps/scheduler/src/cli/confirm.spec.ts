import { confirmDestructive, type ConfirmTerminal } from './confirm';
import { CliError, UsageError } from './context';

describe('confirmation of a destructive command', () => {
  const terminal = (answer: string | null): ConfirmTerminal & { asked: string[] } => {
    const asked: string[] = [];
    return { isTTY: answer !== null, asked, ask: async (q) => (asked.push(q), answer ?? '') };
  };

  it('--yes goes ahead without asking, even with no terminal', async () => {
    const none = terminal(null);
    await expect(confirmDestructive('delete the schedule X', { yes: true }, none)).resolves.toBeUndefined();
    expect(none.asked).toEqual([]);
  });

  it('on a terminal it asks, and goes ahead only on y or yes', async () => {
    for (const answer of ['y', 'YES', ' yes ']) {
      const t = terminal(answer);
      await expect(confirmDestructive('delete the schedule X', {}, t)).resolves.toBeUndefined();
      expect(t.asked).toEqual(['This will delete the schedule X. Continue? [y/N] ']);
    }
    for (const answer of ['', 'n', 'no', 'yess']) {
      const error = await confirmDestructive('delete the schedule X', {}, terminal(answer)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect(error).not.toBeInstanceOf(UsageError);
      expect((error as CliError).exitCode).toBe(1);
      expect((error as CliError).message).toBe('not confirmed: nothing was done (delete the schedule X)');
    }
  });

  it('with no terminal and no --yes it refuses with a usage error (exit 2) saying to add --yes', async () => {
    const error = await confirmDestructive('delete the schedule X', {}, terminal(null)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toBe(
      'refusing to delete the schedule X without --yes: stdin is not a terminal, so nobody can confirm; nothing was done',
    );
  });
});
