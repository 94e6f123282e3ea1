module.exports = { ...require('../jest.preset.js'), displayName: '@btc/bench', testTimeout: 600_000 };
