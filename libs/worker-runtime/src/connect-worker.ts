import { NativeConnection } from '@temporalio/worker';
import { explainConnectionFailure, type TemporalSettings } from '@btc/config';

/**
 * The workers' connection to Temporal, from the same settings as every client's (`connectClient`):
 * address, TLS or mTLS, API key. A failure says what went wrong (unreachable, TLS, credentials) in
 * words, never with a key.
 */
export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(settings.connection);
  } catch (error) {
    throw explainConnectionFailure(error, settings);
  }
}
