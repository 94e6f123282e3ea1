import { BytemarkResponseTooLargeError, type BytemarkError } from './errors';

/** The Bytemark endpoints the worker calls, by a fixed name (a label of the worker's metrics; no ids, no paths). */
export type BytemarkEndpoint = 'login' | 'passes' | 'passes_history';

/** Why a request failed: the error's `type`, with a timeout and a body over the size limit told apart. */
export type BytemarkFailureKind = BytemarkError['type'] | 'timeout' | 'too-large';

/** One request as it ended: its endpoint, the HTTP status (null: no response arrived), and how it failed if it did. */
export interface BytemarkRequestObservation {
  endpoint: BytemarkEndpoint;
  status: number | null;
  durationMs: number;
  failure?: BytemarkFailureKind;
}

/**
 * Told about every request and every login the client makes (the worker's metrics). Receives no
 * token, no user and no URL. A throwing observer is ignored: it never fails a call.
 */
export interface BytemarkClientObserver {
  request?(observation: BytemarkRequestObservation): void;
  /**
   * A login that returned a token (`succeeded`), or that Bytemark refused: rejected credentials or
   * client, or an answer without a token (`failed`). A login that did not get through (unreachable,
   * 5xx, 429) has no result: it is a failed request of endpoint `login`.
   */
  login?(result: 'succeeded' | 'failed'): void;
}

/** The failure kind of a typed error; `timedOut` when the transport gave up waiting. */
export function failureKind(error: BytemarkError, timedOut = false): BytemarkFailureKind {
  if (timedOut) return 'timeout';
  if (error instanceof BytemarkResponseTooLargeError) return 'too-large';
  return error.type;
}

/** Whether a failed login is a refusal (counts as a failed login) rather than Bytemark not answering. */
export function isLoginRefusal(error: BytemarkError): boolean {
  return error.type === 'auth' || error.type === 'forbidden' || error.type === 'response';
}
