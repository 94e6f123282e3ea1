/**
 * Writes each project's pass/fail counts to `.data/test-results/` so `npm test` can print one
 * closing line for the whole suite.
 */
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class ResultsReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    const dir = join(__dirname, '..', '.data', 'test-results');
    mkdirSync(dir, { recursive: true });
    // One file per Jest run (a project may run Jest more than once).
    const name = `${(this.globalConfig.rootDir || 'project').replace(/[^a-z0-9]+/gi, '_')}_${process.pid}`;
    writeFileSync(
      join(dir, `${name}.json`),
      JSON.stringify({
        rootDir: this.globalConfig.rootDir,
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests,
      }),
    );
  }
}

module.exports = ResultsReporter;
