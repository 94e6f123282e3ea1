import { join } from 'node:path';
import { toolsCacheDir } from './paths';

describe('tools cache directory', () => {
  it('lives outside the clone, under XDG_CACHE_HOME when set', () => {
    expect(toolsCacheDir({ XDG_CACHE_HOME: '/var/cache/x' })).toBe(join('/var/cache/x', 'bytemark-ticket-cache'));
  });

  it('can be pointed elsewhere with BTC_TOOLS_CACHE', () => {
    expect(toolsCacheDir({ BTC_TOOLS_CACHE: '/opt/btc-tools' })).toBe('/opt/btc-tools');
  });
});
