import { readFileSync, statSync } from 'node:fs';
import type { Env } from '../load-config';

/** Variables whose whole value is a secret (and each comma-separated part of it, for keyrings). */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|API_KEY|(^|_)KEYS?$)/i;
/** A private key given inline (TEMPORAL_TLS_CLIENT_KEY_DATA): each base64 line of its PEM is secret. */
const KEY_DATA_NAME = /_KEY_DATA$/i;
/** A private key in a file (TEMPORAL_TLS_CLIENT_KEY_PATH): its lines are as secret as the inline form's. */
const KEY_PATH_NAME = /_KEY_PATH$/i;
/** A PEM key is a few kilobytes; a larger file is not one, and is not read. */
const MAX_KEY_FILE_BYTES = 64 * 1024;
const PEM_BODY_LINE = /^[A-Za-z0-9+/=]{16,}$/;
/** Shorter values are not redacted: too likely to occur by chance ("true", "1", "dev"). */
const MIN_SECRET_LENGTH = 6;

/**
 * The secret values of an environment, for the loggers to remove from every line: the password of
 * every URL (MYSQL_URL, MONGO_URL, ...), raw and decoded, and the values of variables named like
 * secrets (TOKEN_ENCRYPTION_KEY and each key of its keyring, BYTEMARK_CLIENT_SECRET, SLACK_BOT_TOKEN,
 * TEMPORAL_API_KEY), and each line of a private key given inline (TEMPORAL_TLS_CLIENT_KEY_DATA) or in
 * the file a `*_KEY_PATH` variable names (TEMPORAL_TLS_CLIENT_KEY_PATH: the SDK holds its bytes, and a
 * line of them must not reach a log by any path).
 * The app passes its environment in; the lib reads no variable by itself, only the key files it names.
 */
export function knownSecrets(env: Env): string[] {
  const found = new Set<string>();
  const add = (value: string | undefined) => {
    if (value && value.length >= MIN_SECRET_LENGTH) found.add(value);
  };
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (KEY_DATA_NAME.test(name)) {
      add(value);
      for (const line of value.split(/\s+/)) if (PEM_BODY_LINE.test(line)) add(line);
    } else if (KEY_PATH_NAME.test(name)) {
      for (const line of readKeyFile(value).split(/\s+/)) if (PEM_BODY_LINE.test(line)) add(line);
    } else if (SECRET_NAME.test(name)) {
      add(value);
      for (const part of value.split(/[,\s]+/)) {
        add(part);
        // A keyring entry `id:base64key`: the key alone too.
        add(part.slice(part.indexOf(':') + 1));
      }
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && URL.canParse(value)) {
      const { password } = new URL(value);
      add(password);
      try {
        add(decodeURIComponent(password));
      } catch {
        // A malformed escape: the raw form is enough.
      }
    }
  }
  return [...found];
}

/** The key file's text, or '' when it is missing, unreadable or too large to be a key (config validation names those). */
function readKeyFile(path: string): string {
  try {
    return statSync(path).size <= MAX_KEY_FILE_BYTES ? readFileSync(path, 'utf8') : '';
  } catch {
    return '';
  }
}
