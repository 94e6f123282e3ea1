import type { Command } from 'commander';

/**
 * The CLI's exit codes, printed by `--help`. Every command ends with one of them: scripts can tell a
 * wrong invocation (retrying will not help) from a failure and from a check that did not pass.
 */
export const EXIT = {
  /** Done; for `doctor` and `tokens status`: every check passed. */
  ok: 0,
  /** The command failed (a service unreachable, a workflow failed, an operation left incomplete, declined). */
  error: 1,
  /** Wrong usage: an unknown command or option, a bad argument, a destructive command without --yes and no terminal. */
  usage: 2,
  /** It ran, and a check it reports failed (`doctor`, `tokens status` with a key that cannot decrypt). */
  checkFailed: 3,
} as const;

export const EXIT_CODES_HELP =
  '\nExit codes:\n' +
  `  ${EXIT.ok}  ok\n` +
  `  ${EXIT.error}  error: the command failed (a service unreachable, a workflow failed, work left to do, not confirmed)\n` +
  `  ${EXIT.usage}  usage: unknown command or option, bad argument, or a destructive command without --yes and no terminal\n` +
  `  ${EXIT.checkFailed}  a check failed: doctor, tokens status (the result is still printed)\n` +
  '\nWith --json, stdout holds exactly one JSON document (nothing on an error); links, notes and\n' +
  'progress go to stderr, progress only when stderr is a terminal.\n';

/** Where a command writes: its result on stdout, everything else for people on stderr. */
export interface CliOutput {
  readonly json: boolean;
  /**
   * The command's result, once: one JSON document with --json; else `text` (lines), or the value
   * rendered as indented `key: value` lines.
   */
  result(value: unknown, text?: readonly string[]): void;
  /** A line for people beside the result (a link, what was done): stdout as text, stderr with --json. */
  note(line: string): void;
  /** A progress line, redrawn in place on stderr, only when stderr is a terminal; `endProgress` ends it. */
  progress(line: string): void;
  endProgress(): void;
}

export interface OutputStreams {
  /** One line (or several) to stdout / stderr. */
  out(text: string): void;
  err(text: string): void;
  /** Raw text to stderr (progress redraws), written only when `errIsTTY`. */
  errRaw(text: string): void;
  errIsTTY: boolean;
}

/** The real streams; `console.log`/`console.error` for lines, so that in-process tests can capture them. */
const PROCESS_STREAMS: OutputStreams = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  errRaw: (text) => process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
};

export function createOutput(json: boolean, streams: OutputStreams = PROCESS_STREAMS): CliOutput {
  let drawn = false;
  let printed = false;
  return {
    json,
    result(value, text) {
      // One document on stdout: a second result would make it unparseable.
      if (printed) throw new Error('a command printed its result twice');
      printed = true;
      streams.out(json ? JSON.stringify(value, null, 2) : (text ?? formatText(value)).join('\n'));
    },
    note(line) {
      (json ? streams.err : streams.out)(line);
    },
    progress(line) {
      if (!streams.errIsTTY) return;
      streams.errRaw(`\r\x1b[2K${line}`);
      drawn = true;
    },
    endProgress() {
      if (drawn) streams.errRaw('\n');
      drawn = false;
    },
  };
}

/** The output of the command running: `--json` is a program option, so it reads the globals. */
export function outputOf(command: Command): CliOutput {
  return createOutput(Boolean((command.optsWithGlobals() as { json?: boolean }).json));
}

/**
 * A value as indented `key: value` lines for people: objects nest by two spaces, arrays of scalars
 * on one line, arrays of objects as `-` items; null as `-`.
 */
export function formatText(value: unknown, indent = ''): string[] {
  if (value === null || value === undefined) return [`${indent}-`];
  if (typeof value !== 'object' || value instanceof Date) return [`${indent}${scalar(value)}`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}(none)`];
    return value.flatMap((item) => {
      const lines = formatText(item, `${indent}  `);
      return [`${indent}- ${lines[0]!.trimStart()}`, ...lines.slice(1)];
    });
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) {
        return [`${indent}${key}: ${v.length === 0 ? '(none)' : v.map(scalar).join(', ')}`];
      }
      if (!Array.isArray(v) && Object.keys(v).length === 0) return [`${indent}${key}: -`];
      return [`${indent}${key}:`, ...formatText(v, `${indent}  `)];
    }
    return [`${indent}${key}: ${scalar(v)}`];
  });
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
