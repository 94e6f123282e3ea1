/** One bad variable: its name and what is wrong with it (never its value, which may be a secret). */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

/**
 * Thrown by `loadConfig` at an app's start when a variable is malformed or a required one is
 * missing. The message lists every bad variable by name, never its value; the app prints it and exits.
 */
export class ConfigError extends Error {
  readonly type = 'config';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }

  /** The names of the bad variables. */
  get variables(): string[] {
    return [...new Set(this.problems.map((p) => p.variable))];
  }
}

/**
 * Thrown by `connectClient` and `connectWorker` when Temporal cannot be reached or refuses the
 * connection: the message says which (address, TLS, certificate, credentials) and what to check,
 * and holds no key or token.
 */
export class TemporalConnectionError extends Error {
  constructor(
    message: string,
    /** What went wrong, for callers that branch on it. */
    readonly reason: 'unreachable' | 'tls' | 'client-certificate' | 'credentials' | 'namespace' | 'unknown',
  ) {
    super(message);
    this.name = 'TemporalConnectionError';
  }
}
