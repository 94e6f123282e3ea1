module.exports = { ...require('../jest.preset.js'), displayName: '@btc/deploy' };
