/** Base of this project's errors: sets `name`, carries a string `type` discriminator. */
export abstract class DeployToolError extends Error {
  abstract readonly type: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Thrown when a Prometheus binary (`prometheus`, `promtool`) is not installed where it is looked for. */
export class PrometheusNotInstalledError extends DeployToolError {
  readonly type = 'prometheus-not-installed';
  constructor(readonly binary: string) {
    super(
      `${binary} was not found. Install Prometheus with \`apt-get install -y prometheus\` (Debian; it brings ` +
        '/usr/bin/prometheus and /usr/bin/promtool; .ci/run does this), then run the tests again.',
    );
  }
}

/** Thrown when the test Prometheus does not start, or exits, or its HTTP API answers with an error. */
export class PrometheusServerError extends DeployToolError {
  readonly type = 'prometheus-server';
  constructor(
    message: string,
    /** The last lines Prometheus wrote to stderr. */
    readonly log: string,
  ) {
    super(log ? `${message}\nprometheus log (last lines):\n${log}` : message);
  }
}

/** Thrown when `waitFor` gives up: the expression never satisfied the predicate in time. */
export class PrometheusWaitTimeoutError extends DeployToolError {
  readonly type = 'prometheus-wait-timeout';
  constructor(
    readonly expr: string,
    readonly timeoutMs: number,
    /** The last result the query returned, and the scrape targets' health, as JSON. */
    readonly lastResult: string,
    readonly targets: string,
  ) {
    super(`waited ${timeoutMs} ms for \`${expr}\` to match; last result: ${lastResult}; scrape targets: ${targets}`);
  }
}
