import type { Env } from '../load-config';

/** Variables whose whole value is a secret (and each comma-separated part of it, for keyrings). */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|API_KEY|(^|_)KEYS?$)/i;
/** A private key given inline (TEMPORAL_TLS_CLIENT_KEY_DATA): each base64 line of its PEM is secret. */
const KEY_DATA_NAME = /_KEY_DATA$/i;
const PEM_BODY_LINE = /^[A-Za-z0-9+/=]{16,}$/;
/** Shorter values are not redacted: too likely to occur by chance ("true", "1", "dev"). */
const MIN_SECRET_LENGTH = 6;

/**
 * The secret values of an environment, for the loggers to remove from every line: the password of
 * every URL (MYSQL_URL, MONGO_URL, ...), raw and decoded, and the values of variables named like
 * secrets (TOKEN_ENCRYPTION_KEY and each key of its keyring, BYTEMARK_CLIENT_SECRET, SLACK_BOT_TOKEN,
 * TEMPORAL_API_KEY), and each line of a private key given inline (TEMPORAL_TLS_CLIENT_KEY_DATA).
 * The app passes its environment in; the lib reads nothing by itself.
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
