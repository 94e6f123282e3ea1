/**
 * Errors as log lines that carry no secret: type, code, message and the cause chain, and nothing
 * else. A driver error's other fields (the connection config, `sql`, `parameters`) and wrappers'
 * context (umzug's `MigrationError.migration.context` is the whole Sequelize instance, password
 * included) are never read. Messages have URL credentials and values quoted by MySQL removed.
 * Pure and dependency-free, so any app or CLI can use it as its one error serializer.
 */
export interface ErrorDescription {
  type: string;
  /** A driver or system code such as `ER_TABLE_EXISTS_ERROR` or `ECONNREFUSED`. */
  code?: string;
  message: string;
  cause?: ErrorDescription;
}

const MAX_DEPTH = 8;
const MAX_MESSAGE = 1_000;

const REDACTIONS: Array<[RegExp, string]> = [
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]*@/gi, '$1:***@'],
  // ER_DUP_ENTRY: Duplicate entry 'value' for key
  [/(Duplicate entry )'.*?'( for key)/g, "$1'***'$2"],
  // ER_TRUNCATED_WRONG_VALUE and friends: Incorrect string value: '...' for column
  [/(Incorrect [\w ]*?value: )'.*?'/g, "$1'***'"],
  // ER_PARSE_ERROR: ... near 'sql text with values' at line 1
  [/( near )'.*?'( at line \d+)/gs, "$1'***'$2"],
];

/** Removes URL credentials and values MySQL quotes into its messages. */
export function redactSecrets(text: string): string {
  return REDACTIONS.reduce((s, [pattern, replacement]) => s.replace(pattern, replacement), text);
}

function next(error: Error): unknown {
  const e = error as Error & { cause?: unknown; parent?: unknown };
  // Sequelize errors keep the driver's error in `parent` rather than `cause`.
  return e.cause ?? (e.parent instanceof Error ? e.parent : undefined);
}

export function describeError(error: unknown, depth = 0, seen: Set<unknown> = new Set()): ErrorDescription {
  if (!(error instanceof Error)) {
    const message = typeof error === 'string' ? error : `non-error value of type ${typeof error}`;
    return { type: 'NonError', message: redactSecrets(message).slice(0, MAX_MESSAGE) };
  }
  seen.add(error);
  const code = (error as { code?: unknown }).code;
  const description: ErrorDescription = {
    type: error.name || error.constructor.name || 'Error',
    ...(typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? { code } : {}),
    message: redactSecrets(error.message).slice(0, MAX_MESSAGE),
  };
  const cause = next(error);
  if (cause !== undefined && cause !== null && !seen.has(cause) && depth < MAX_DEPTH) {
    description.cause = describeError(cause, depth + 1, seen);
  }
  return description;
}

/** `Type [CODE]: message`, then one `  caused by: ...` line per cause. */
export function formatError(error: unknown): string[] {
  const lines: string[] = [];
  for (let d: ErrorDescription | undefined = describeError(error); d; d = d.cause) {
    const head = `${d.type}${d.code ? ` [${d.code}]` : ''}: ${d.message}`;
    lines.push(lines.length === 0 ? head : `  caused by: ${head}`);
  }
  return lines;
}
