/** Shared Jest settings: swc for speed (type checking is the build target's job), one worker per project. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  maxWorkers: 1,
  testTimeout: 60_000,
  // A test that times out leaves its awaits pending; the harness stops its workers, and this makes sure
  // nothing else it left open (a long poll, a socket) can keep the run, and with it CI, from ending.
  forceExit: true,
  reporters: ['default', require.resolve('./tools/jest-results-reporter.js')],
};
