/**
 * Errors as log lines that carry no secret: type, code, message and the cause chain, and nothing
 * else. A driver error's other fields (Sequelize's `sql`, `parameters`, `original` and connection
 * config, mysql2's `sql`, the MongoDB driver's topology, axios's `config` with its `Authorization`
 * header) and wrappers' context (umzug's `MigrationError.migration.context` is the whole Sequelize
 * instance, password included) are never read. Messages have URL credentials, values quoted by
 * MySQL or MongoDB, and the known secrets the caller passes removed.
 *
 * The one error serializer: the pino loggers of every app (`createLogger`) and the CLIs' printed
 * errors (`formatError`) both go through `describeError`.
 */
export interface ErrorDescription {
  /** The error's name (`SequelizeDatabaseError`, `MigrationError`, `AxiosError`, ...). */
  type: string;
  /** A Temporal failure's or a typed error's own `type` string, when it has one (`TokenDecryptionError`). */
  kind?: string;
  /** A driver or system code such as `ER_TABLE_EXISTS_ERROR`, `ECONNREFUSED` or MongoDB's `11000`. */
  code?: string | number;
  message: string;
  cause?: ErrorDescription;
}

export interface DescribeErrorOptions {
  /** Values removed wherever they appear in a message (passwords, keys; see `knownSecrets`). */
  secrets?: readonly string[];
}

/** Causes followed at most; a longer chain ends at this depth. */
export const MAX_CAUSE_DEPTH = 8;
const MAX_MESSAGE = 1_000;
const REDACTED = '***';

const REDACTIONS: Array<[RegExp, string]> = [
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]*@/gi, '$1:***@'],
  // ER_DUP_ENTRY: Duplicate entry 'value' for key
  [/(Duplicate entry )'.*?'( for key)/g, "$1'***'$2"],
  // ER_TRUNCATED_WRONG_VALUE and friends: (Truncated i|I)ncorrect string value: '...' for column
  [/([Ii]ncorrect [\w ]*?value: )'.*?'/g, "$1'***'"],
  // ER_PARSE_ERROR: ... near 'sql text with values' at line 1
  [/( near )'.*?'( at line \d+)/gs, "$1'***'$2"],
  // MongoDB E11000: ... dup key: { token: "value" }
  [/(dup key: )\{.*?\}/gs, '$1{ *** }'],
];

/** URL credentials only: safe on any text, including a whole JSON log line. */
export function redactUrlCredentials(text: string): string {
  const [pattern, replacement] = REDACTIONS[0]!;
  return text.replace(pattern, replacement);
}

/** Removes URL credentials, values MySQL and MongoDB quote into their messages, and the given secrets. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  const redacted = REDACTIONS.reduce((s, [pattern, replacement]) => s.replace(pattern, replacement), text);
  return replaceAll(redacted, secrets);
}

/** Replaces every occurrence of each secret (longest first, so one secret inside another is covered). */
export function replaceAll(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** An Error, including one from another realm (the workflow sandbox's errors are not `instanceof Error` here). */
export function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

function next(error: Error): unknown {
  const e = error as Error & { cause?: unknown; parent?: unknown };
  // Sequelize errors keep the driver's error in `parent` rather than `cause`.
  return e.cause ?? (isError(e.parent) ? e.parent : undefined);
}

function codeOf(error: Error): string | number | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code)) return code;
  if (typeof code === 'number' && Number.isSafeInteger(code)) return code;
  return undefined;
}

function kindOf(error: Error, type: string): string | undefined {
  const kind = (error as { type?: unknown }).type;
  return typeof kind === 'string' && kind !== type && /^[A-Za-z][\w.:-]{0,63}$/.test(kind) ? kind : undefined;
}

export function describeError(error: unknown, options: DescribeErrorOptions = {}): ErrorDescription {
  return describe(error, options.secrets ?? [], 0, new Set());
}

function describe(error: unknown, secrets: readonly string[], depth: number, seen: Set<unknown>): ErrorDescription {
  if (!isError(error)) {
    const message = typeof error === 'string' ? error : `non-error value of type ${typeof error}`;
    return { type: 'NonError', message: redactSecrets(message, secrets).slice(0, MAX_MESSAGE) };
  }
  seen.add(error);
  const type = String(error.name || error.constructor?.name || 'Error');
  const code = codeOf(error);
  const kind = kindOf(error, type);
  const description: ErrorDescription = {
    type,
    ...(kind !== undefined ? { kind } : {}),
    ...(code !== undefined ? { code } : {}),
    message: redactSecrets(String(error.message), secrets).slice(0, MAX_MESSAGE),
  };
  const cause = next(error);
  if (cause !== undefined && cause !== null && !seen.has(cause) && depth < MAX_CAUSE_DEPTH) {
    description.cause = describe(cause, secrets, depth + 1, seen);
  }
  return description;
}

/** `Type (kind) [CODE]: message` for one described error. */
export function formatErrorHead(d: ErrorDescription): string {
  return `${d.type}${d.kind ? ` (${d.kind})` : ''}${d.code !== undefined ? ` [${d.code}]` : ''}: ${d.message}`;
}

/** `Type [CODE]: message`, then one `  caused by: ...` line per cause. */
export function formatError(error: unknown, options: DescribeErrorOptions = {}): string[] {
  return formatDescription(describeError(error, options));
}

/** The lines of `formatError` for an already described error (the pretty log printer uses it). */
export function formatDescription(description: ErrorDescription): string[] {
  const lines: string[] = [];
  for (let d: ErrorDescription | undefined = description; d; d = d.cause) {
    lines.push(lines.length === 0 ? formatErrorHead(d) : `  caused by: ${formatErrorHead(d)}`);
  }
  return lines;
}
