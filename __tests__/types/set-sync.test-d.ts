// Compiled by `tsc -p __tests__/tsconfig.json` inside `npm test`; never run.
// `setSync` (issue 16 item 8): optional on the port, present on MemoryCache, typed like `set` without the Promise.
import { MemoryCache, NOT_FOUND, type CacheInstance } from '../../lib';
import { expectType, type Equal } from './type-assert';

type BackendTimeout = Parameters<CacheInstance['set']>[2];

expectType<Equal<CacheInstance['setSync'], ((key: string, value: unknown, timeout?: BackendTimeout) => void) | undefined>>(true);
expectType<Equal<ReturnType<MemoryCache['setSync']>, void>>(true);
new MemoryCache().setSync('k', { a: 1 }, 60);
new MemoryCache().setSync('k', 'v', null);
// @ts-expect-error keys are strings
new MemoryCache().setSync(1, 'v');
// @ts-expect-error a timeout is seconds, null or undefined
new MemoryCache().setSync('k', 'v', '60');
// A backend without it is still a CacheInstance.
const withoutSetSync: CacheInstance = {
  get: async () => NOT_FOUND,
  getMany: async () => new Map(),
  set: async () => undefined,
  setMany: async () => undefined,
  add: async () => true,
  delete: async () => true,
};
void withoutSetSync.setSync?.('k', 1);
