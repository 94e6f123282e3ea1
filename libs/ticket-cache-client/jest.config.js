module.exports = { ...require('../../jest.preset.js'), displayName: '@btc/ticket-cache-client' };
