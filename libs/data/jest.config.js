module.exports = {
  ...require('../../jest.preset.js'),
  displayName: '@btc/data',
  // Migrates the (guarded, *_test) databases through the migration CLI before the suite.
  globalSetup: '<rootDir>/jest.global-setup.ts',
};
