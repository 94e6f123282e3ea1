import { NativeConnection } from '@temporalio/worker';
import { connectOrExplain, type TemporalSettings } from '@btc/config';

/**
 * The workers' connection to Temporal, from the same settings as every client's (`connectClient`):
 * address, TLS or mTLS, API key. A failure says what went wrong (unreachable, TLS, credentials) in
 * words, never with a key.
 */
export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  return connectOrExplain(
    settings,
    () => NativeConnection.connect(settings.connection),
    // The core's attempt cannot be stopped: close what it opens.
    (opening) =>
      void opening.then(
        (c) => c.close(),
        () => undefined,
      ),
  );
}
