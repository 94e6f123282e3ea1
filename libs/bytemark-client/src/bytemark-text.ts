/**
 * Bytemark's error messages are free text (up to 200 characters) that an account API may fill with
 * what it was sent: an e-mail, a password, a token. Only the messages below, known and free of user
 * data, go into an error's message (and so into Temporal history, the failure reasons table and
 * Slack); any other text is kept out of the error and logged by the client, redacted.
 */
export const ALLOWED_BYTEMARK_MESSAGES: ReadonlySet<string> = new Set([
  'Unfortunately, your session has expired. Please log back in.',
  'Unauthorized',
  'Forbidden',
  'Too Many Requests',
  'Service Unavailable',
  'Internal Server Error',
  'Bad Gateway',
  'Gateway Timeout',
  'Invalid paging parameters',
  'Pass not found',
  'Pass is not usable',
]);

/** Whether a Bytemark message may be shown as it is. */
export function isAllowedBytemarkMessage(message: string): boolean {
  return ALLOWED_BYTEMARK_MESSAGES.has(message.trim());
}

const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+/g;
/** A value after a word naming a secret: `password: x`, `token=x`, `secret "x"`, `Bearer x`. */
const NAMED_SECRET =
  /\b(pass(?:word|wd)?|pwd|secret|token|oauth_token|access_token|api[_-]?key|key|bearer|authorization)(\s*[:=]\s*|\s+)("[^"]*"|'[^']*'|\S+)/gi;
/** A long run of token-like characters (an OAuth token, a key): 16 or more, at least one digit. */
const LONG_TOKEN = /[A-Za-z0-9_\-+/=.~]{16,}/g;
/** A long number (a card, a phone): 7 or more digits, spaces or dashes between them allowed. */
const LONG_NUMBER = /\d(?:[\s-]?\d){6,}/g;

/**
 * The text with what may identify a user or grant access replaced: each of `secrets` (the request's
 * token, e-mail, password, client secret), e-mail addresses, values named as secrets, long
 * token-like strings and long numbers. For logs only: an error's message never holds this text.
 */
export function redactBytemarkText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out
    .replace(EMAIL, '[email]')
    .replace(NAMED_SECRET, (_m, name: string, sep: string) => `${name}${sep}[redacted]`)
    .replace(LONG_TOKEN, (run) => (/\d/.test(run) ? '[redacted]' : run))
    .replace(LONG_NUMBER, '[number]');
}
