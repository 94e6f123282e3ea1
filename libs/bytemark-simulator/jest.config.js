module.exports = { ...require('../../jest.preset.js'), displayName: '@btc/bytemark-simulator' };
