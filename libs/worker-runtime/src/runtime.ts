import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { Logger } from '@btc/config';
import { temporalLogger } from './loggers';

export interface RuntimeOptions {
  logger: Logger;
  /** Where the SDK's own Prometheus exporter listens (`host:port`); the worker's `/metrics` reads it from there. */
  sdkMetricsAddress?: string;
  /** Signals that shut the workers down (the SDK's default also takes SIGUSR2, which the bench uses to ask for counts). */
  shutdownSignals?: NodeJS.Signals[];
}

let installed = false;

/**
 * `Runtime.install`, once per process, the same way for every worker (the app, the test harness, the
 * bench, the chaos campaign): the SDK's lines and the workflows' and activities' `log` calls through
 * the app's logger and its one error serializer, the SDK core's own lines at WARN, and (when asked)
 * its metrics as Prometheus with units in their names (`_seconds`, `_total`), as the conventions want.
 * A second call in the same process does nothing (the runtime can only be installed once).
 */
export function installRuntime(options: RuntimeOptions): void {
  if (installed) return;
  Runtime.install({
    logger: temporalLogger(options.logger),
    ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(options.sdkMetricsAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: options.sdkMetricsAddress,
                countersTotalSuffix: true,
                unitSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  });
  installed = true;
}
