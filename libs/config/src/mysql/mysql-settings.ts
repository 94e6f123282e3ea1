import { existsSync } from 'node:fs';
import type { ConfigProblem } from '../errors';

/** The MySQL client's `--ssl-mode` values, with its meaning: DISABLED (no TLS) up to VERIFY_IDENTITY. */
export const MYSQL_SSL_MODES = ['DISABLED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'] as const;
export type MysqlSslMode = (typeof MYSQL_SSL_MODES)[number];

/**
 * TLS to MySQL, from the URL's query parameters. REQUIRED encrypts without checking the server's
 * certificate (no protection against a man in the middle); VERIFY_CA checks it was signed by `ca`
 * (the system's CAs without one); VERIFY_IDENTITY also checks it names the host of the URL.
 */
export interface MysqlTls {
  mode: Exclude<MysqlSslMode, 'DISABLED'>;
  /** Paths of PEM files: the CA that signed the server, and a client certificate with its key (both or neither). */
  caPath?: string;
  certPath?: string;
  keyPath?: string;
}

/** The URL query parameters (the mysql client's option names) and the variables that may set them instead. */
export const MYSQL_TLS_PARAMETERS = {
  'ssl-mode': 'MYSQL_SSL_MODE',
  'ssl-ca': 'MYSQL_SSL_CA',
  'ssl-cert': 'MYSQL_SSL_CERT',
  'ssl-key': 'MYSQL_SSL_KEY',
} as const;
type Parameter = keyof typeof MYSQL_TLS_PARAMETERS;
const PARAMETERS = Object.keys(MYSQL_TLS_PARAMETERS) as Parameter[];

/** A problem with one parameter of a MySQL URL: which one, and what is wrong (never a credential). */
export interface MysqlUrlProblem {
  parameter: Parameter | 'query';
  problem: string;
}

/**
 * The TLS settings of a MySQL URL's query (`?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/mysql/ca.pem`), or
 * the problems. No parameter, or `ssl-mode=DISABLED`: null (plain TCP, the local stack). A CA or a
 * client certificate without `ssl-mode` means VERIFY_IDENTITY: naming a CA and not checking the
 * server against it would be a surprise. Any other parameter is refused (a typo must not turn TLS off).
 */
export function parseMysqlTls(url: URL): { tls: MysqlTls | null } | { problems: MysqlUrlProblem[] } {
  const problems: MysqlUrlProblem[] = [];
  const unknown = [...new Set(url.searchParams.keys())].filter((k) => !(PARAMETERS as string[]).includes(k));
  if (unknown.length > 0) {
    problems.push({
      parameter: 'query',
      problem: `unknown parameter ${unknown.map((k) => `'${k}'`).join(', ')} (known: ${PARAMETERS.join(', ')})`,
    });
  }
  const value = (p: Parameter) => {
    const all = url.searchParams.getAll(p);
    if (all.length > 1) problems.push({ parameter: p, problem: 'is given more than once' });
    return all[0] || undefined;
  };
  const modeText = value('ssl-mode');
  const caPath = value('ssl-ca');
  const certPath = value('ssl-cert');
  const keyPath = value('ssl-key');
  const mode = modeText?.toUpperCase().replace(/-/g, '_') as MysqlSslMode | undefined;
  if (mode !== undefined && !MYSQL_SSL_MODES.includes(mode)) {
    problems.push({
      parameter: 'ssl-mode',
      problem: `must be one of ${MYSQL_SSL_MODES.join(', ')} (got '${modeText}')`,
    });
  }
  if (Boolean(certPath) !== Boolean(keyPath)) {
    problems.push({
      parameter: certPath ? 'ssl-key' : 'ssl-cert',
      problem: 'a client certificate needs its key (ssl-cert and ssl-key, both or neither)',
    });
  }
  if (mode === 'DISABLED' && (caPath || certPath || keyPath)) {
    problems.push({
      parameter: 'ssl-mode',
      problem: 'is DISABLED, yet a certificate is given: say which one you mean',
    });
  }
  if (problems.length > 0) return { problems };
  if (mode === 'DISABLED' || (mode === undefined && !caPath && !certPath)) return { tls: null };
  return {
    tls: {
      mode: (mode ?? 'VERIFY_IDENTITY') as MysqlTls['mode'],
      ...(caPath ? { caPath } : {}),
      ...(certPath ? { certPath } : {}),
      ...(keyPath ? { keyPath } : {}),
    },
  };
}

/** e.g. `TLS VERIFY_IDENTITY (CA /etc/mysql/ca.pem, client certificate)` or `no TLS`: for doctor and logs. */
export function describeMysqlTls(tls: MysqlTls | null): string {
  if (!tls) return 'no TLS';
  const parts = [
    tls.caPath ? `CA ${tls.caPath}` : tls.mode === 'REQUIRED' ? 'server not verified' : "the system's CAs",
  ];
  if (tls.certPath) parts.push('client certificate');
  return `TLS ${tls.mode} (${parts.join(', ')})`;
}

/**
 * The `mysql` config section's URL: MYSQL_URL with MYSQL_SSL_* folded into its query, so that one
 * string carries the whole connection to every consumer (the worker, the CLI, the migrations, the
 * scheduler). A parameter set both ways, an unknown one, or a file that does not exist is a problem
 * naming the variable it came from.
 */
export function mysqlUrlFromEnv(
  mysqlUrl: string,
  env: Readonly<Record<string, string | undefined>>,
): { url: string } | { problems: ConfigProblem[] } {
  const url = new URL(mysqlUrl);
  const problems: ConfigProblem[] = [];
  const source: Record<string, string> = {};
  for (const p of PARAMETERS) if (url.searchParams.has(p)) source[p] = 'MYSQL_URL';
  let folded = false;
  for (const [p, variable] of Object.entries(MYSQL_TLS_PARAMETERS) as Array<[Parameter, string]>) {
    const v = env[variable];
    if (v === undefined || v === '') continue;
    if (url.searchParams.has(p)) {
      problems.push({ variable, problem: `MYSQL_URL sets ${p} already: set it in one place` });
      continue;
    }
    url.searchParams.set(p, v);
    source[p] = variable;
    folded = true;
  }
  const parsed = parseMysqlTls(url);
  if ('problems' in parsed) {
    for (const { parameter, problem } of parsed.problems) {
      const variable = parameter === 'query' ? 'MYSQL_URL' : (source[parameter] ?? MYSQL_TLS_PARAMETERS[parameter]);
      problems.push({
        variable,
        problem: variable === 'MYSQL_URL' && parameter !== 'query' ? `${parameter} ${problem}` : problem,
      });
    }
  } else if (parsed.tls) {
    for (const [p, path] of [
      ['ssl-ca', parsed.tls.caPath],
      ['ssl-cert', parsed.tls.certPath],
      ['ssl-key', parsed.tls.keyPath],
    ] as const) {
      if (path !== undefined && !existsSync(path)) {
        const variable = source[p] ?? 'MYSQL_URL';
        problems.push({ variable, problem: `${variable === 'MYSQL_URL' ? `${p}: ` : ''}no file at ${path}` });
      }
    }
  }
  if (problems.length > 0) return { problems };
  return { url: folded ? url.toString() : mysqlUrl };
}
