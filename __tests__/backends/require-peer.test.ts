import { CacheConfigError } from '../../lib/errors';
import { requirePeer } from '../../lib/backends/shared/require-peer';

describe('requirePeer: an optional peer loaded when a backend needs it', () => {
  it('returns the module when it is installed', () => {
    const zod = requirePeer<{ z: unknown }>('zod', 'easy-cache/test', () => require('zod'));
    expect(typeof zod.z).toBe('object');
  });

  it('turns a peer that is not installed into a CacheConfigError that names the package to install', () => {
    let thrown: unknown;
    try {
      requirePeer('easy-cache-no-such-peer', 'easy-cache/redis', () => require('easy-cache-no-such-peer'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CacheConfigError);
    expect(thrown).toMatchObject({
      code: 'E_CACHE_CONFIG',
      message: 'easy-cache/redis needs the package "easy-cache-no-such-peer", an optional peer dependency of easy-cache that is not installed: run `npm install easy-cache-no-such-peer`',
      cause: expect.objectContaining({ code: 'MODULE_NOT_FOUND' }),
    });
  });

  it('lets any other failure through as it is, a missing dependency of the peer included', () => {
    const missingInside = () => requirePeer('ioredis', 'easy-cache/redis', () => require('denque-that-ioredis-would-need'));
    expect(missingInside).toThrow(/Cannot find module 'denque-that-ioredis-would-need'/);
    expect(missingInside).not.toThrow(CacheConfigError);
    const broken = new TypeError('broken install');
    expect(() => requirePeer('ioredis', 'easy-cache/redis', () => {
      throw broken;
    })).toThrow(broken);
  });
});
