import type { BytemarkLogger } from './bytemark-client';

/** One captured log call. */
export interface CapturedLogLine {
  level: 'warn' | 'info';
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
    text: () => lines.map((l) => JSON.stringify(l)).join('\n'),
  };
}

/** Bytemark product uuids the platform treats as free tickets (from the original seed). */
export const FREE_PRODUCT_UUIDS = [
  '2417edb7-856c-43ee-b3df-c508b8be259b',
  '654b9f9d-5972-445b-8c6b-5c29a35c7751',
] as const;
