import type { BytemarkLogger } from './bytemark-client';

/** One captured log call. */
export interface CapturedLogLine {
  level: 'warn' | 'info' | 'debug';
  obj: object;
  msg?: string;
}

/** A logger that records every call, for asserting what the client logs (and that it leaks nothing). */
export function createCapturingLogger(): BytemarkLogger & { lines: CapturedLogLine[]; text(): string } {
  const lines: CapturedLogLine[] = [];
  return {
    lines,
    warn: (obj, msg) => lines.push({ level: 'warn', obj, ...(msg !== undefined ? { msg } : {}) }),
    info: (obj, msg) => lines.push({ level: 'info', obj, ...(msg !== undefined ? { msg } : {}) }),
    debug: (obj, msg) => lines.push({ level: 'debug', obj, ...(msg !== undefined ? { msg } : {}) }),
    text: () => lines.map((l) => JSON.stringify(l)).join('\n'),
  };
}
