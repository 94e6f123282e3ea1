import { formatDescription, type ErrorDescription } from './describe-error';

/**
 * Keys a terminal reader does not need: pino's own, Temporal's
 * per-activity context (the workflow id, activity type and a retry's attempt stay), and `summary`, the record a message
 * already spells out (the refresh line). The JSON lines keep all of them.
 */
const HIDDEN = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'name',
  'msg',
  'summary',
  'sdkComponent',
  'taskToken',
  'namespace',
  'workflowRunId',
  'runId',
  'activityId',
  'isLocal',
  'workflowType',
]);

/** Keys a person looks for first, printed first. */
const FIRST = ['userId', 'workflowId'];

/** Whether a key is noise in this record: the task queue of an activity's line (its workflow id says more), a first attempt. */
function hidden(key: string, value: unknown, record: Record<string, unknown>): boolean {
  if (HIDDEN.has(key) || value === undefined || isDescription(value)) return true;
  if (key === 'taskQueue') return 'workflowId' in record;
  if (key === 'attempt') return value === 1;
  return false;
}

const LEVELS: Record<number, { label: string; color: string }> = {
  10: { label: 'TRACE', color: '90' },
  20: { label: 'DEBUG', color: '90' },
  30: { label: 'INFO ', color: '32' },
  40: { label: 'WARN ', color: '33' },
  50: { label: 'ERROR', color: '31' },
  60: { label: 'FATAL', color: '41;97' },
};

const DESCRIPTION_KEYS = new Set(['type', 'kind', 'code', 'message', 'cause']);

/** What `describeError` returns, and nothing else that happens to have a type and a message. */
function isDescription(value: unknown): value is ErrorDescription {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['type'] === 'string' &&
    typeof v['message'] === 'string' &&
    Object.keys(v).every((k) => DESCRIPTION_KEYS.has(k))
  );
}

function clock(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time) : new Date();
  return date.toISOString().slice(11, 23);
}

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v) ?? String(v);
}

/**
 * One pino JSON line as a line people read: `12:04:05.120 INFO  worker: message key=value`, the
 * errors (any key the serializer described: `err`, Temporal's `error`) indented below it, with
 * their causes. A line that is not JSON is returned as is.
 */
export function prettyLine(json: string, options: { color: boolean }): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = LEVELS[Number(record['level'])] ?? { label: String(record['level']).padEnd(5), color: '0' };
  const name = typeof record['name'] === 'string' ? `${record['name']}: ` : '';
  const rank = (k: string) => (FIRST.includes(k) ? FIRST.indexOf(k) : FIRST.length);
  const extras = Object.entries(record)
    .filter(([k, v]) => !hidden(k, v, record))
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  const head = [
    paint('2', clock(record['time'])),
    paint(level.color, level.label),
    `${paint('1', name)}${String(record['msg'] ?? '')}`,
    ...(extras ? [paint('2', extras)] : []),
  ].join(' ');
  const below = Object.values(record)
    .filter(isDescription)
    .flatMap((d) => formatDescription(d).map((l) => `    ${l}`));
  return [head, ...below.map((l) => paint(level.color, l))].join('\n') + '\n';
}
