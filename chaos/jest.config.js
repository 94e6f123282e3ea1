module.exports = { ...require('../jest.preset.js'), displayName: '@btc/chaos', testTimeout: 300_000 };
