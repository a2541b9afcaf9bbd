import { cached, createCacheKey, DEFAULT_TIMEOUT, metaAccepted } from '../../../lib';
import { CountingBackend } from '../../helpers/counting-backend';
import { freshNamespace, type BackendFactory } from './backend-factory';

/** Hits, misses, keys, refresh and expiry, on the backend `backend()` gives; `passTime` lets its clock move on. */
export function describeHitsAndKeys(backend: BackendFactory, passTime: (ms: number) => Promise<void>): void {
  describe('hits, misses and keys', () => {
    it('runs the function on a miss and returns the stored value on a hit', async () => {
      const ns = freshNamespace();
      let runs = 0;
      const square = cached(async (n: number) => ++runs && n * n, { cacheKey: `${ns}:square:{n}`, cacheInstance: backend() });
      expect(await square(4)).toBe(16);
      expect(await square(4)).toBe(16);
      expect(await square(5)).toBe(25);
      expect(runs).toBe(2);
    });

    it('caches synchronous functions, null and undefined', async () => {
      const ns = freshNamespace();
      const seen: string[] = [];
      const lookup = cached(
        (name: string) => {
          seen.push(name);
          return name === 'none' ? null : undefined;
        },
        { cacheKey: `${ns}:lookup:{name}`, cacheInstance: backend() },
      );
      expect(await lookup('none')).toBeNull();
      expect(await lookup('none')).toBeNull();
      expect(await lookup('void')).toBeUndefined();
      expect(await lookup('void')).toBeUndefined();
      expect(seen).toEqual(['none', 'void']);
    });

    it('forwards this, and renders {this.id} from the receiver', async () => {
      const ns = freshNamespace();
      const load = cached(
        async function (this: { id: number }, page: number) {
          return `${this.id}/${page}`;
        },
        { cacheKey: `${ns}:owner:{this.id}:{page}`, cacheInstance: backend() },
      );
      const a = { id: 1, load };
      const b = { id: 2, load };
      expect(await a.load(3)).toBe('1/3');
      expect(await b.load(3)).toBe('2/3');
      expect(load.getCacheKey.call(a, 3)).toBe(`${ns}:owner:1:3`);
    });

    it('gives the same key to a call that leaves off a literal default', async () => {
      const ns = freshNamespace();
      let runs = 0;
      const list = cached(async (shop: number, page = 1, size = 10) => ++runs && `${shop}:${page}:${size}`, {
        cacheKey: `${ns}:list:{shop}:{page}:{size}`,
        cacheInstance: backend(),
      });
      await list(7);
      await list(7, 1);
      await list(7, 1, 10);
      expect(runs).toBe(1);
      expect(list.getCacheKey(7)).toBe(`${ns}:list:7:1:10`);
    });

    it('builds keys from a list of names and from a key function', async () => {
      const ns = freshNamespace();
      const byList = cached(async (a: string, b: string) => a + b, { cacheKey: ['a', 'b'], prefix: ns, cacheInstance: backend() });
      expect(byList.getCacheKey('x', 'y:z')).toBe(`${ns}:x:y%3Az`);
      const byFunction = cached(async (id: number) => id, { cacheKey: (id: number) => `${ns}:fn:${id * 2}`, cacheInstance: backend() });
      expect(byFunction.getCacheKey(21)).toBe(`${ns}:fn:42`);
      const byMeta = cached(async (id: number) => id, {
        cacheKey: metaAccepted((meta) => `${ns}:meta:${String(meta.callArgs.id)}`),
        cacheInstance: backend(),
      });
      expect(byMeta.getCacheKey(5)).toBe(`${ns}:meta:5`);
      expect(await byMeta(5)).toBe(5);
    });

    it('keeps two calls whose values contain the delimiter apart', async () => {
      const ns = freshNamespace();
      const join = cached(async (a: string, b: string) => `${a}|${b}`, { cacheKey: `${ns}:u:{a}:{b}`, cacheInstance: backend() });
      expect(await join('1:2', '3')).toBe('1:2|3');
      expect(await join('1', '2:3')).toBe('1|2:3');
      expect(join.getCacheKey('1', '2')).toBe(createCacheKey(ns, 'u', '1', '2'));
    });

    it('refreshCache runs the function now, stores and returns its value', async () => {
      const ns = freshNamespace();
      let version = 1;
      const read = cached(async (id: number) => `${id}@${version}`, { cacheKey: `${ns}:r:{id}`, cacheInstance: backend() });
      expect(await read(1)).toBe('1@1');
      version = 2;
      expect(await read(1)).toBe('1@1');
      expect(await read.refreshCache(1)).toBe('1@2');
      expect(await read(1)).toBe('1@2');
    });

    it('lets an entry expire after its timeout', async () => {
      const ns = freshNamespace();
      let runs = 0;
      const tick = cached(async () => ++runs, { cacheKey: `${ns}:tick`, timeout: 1, cacheInstance: backend() });
      expect(await tick()).toBe(1);
      expect(await tick()).toBe(1);
      // Memcached rounds expiry to whole seconds: past 2 s the entry is gone on every backend.
      await passTime(2100);
      expect(await tick()).toBe(2);
    }, 10_000);

    it('does not store a value whose timeout function says 0, and honours DEFAULT_TIMEOUT', async () => {
      const ns = freshNamespace();
      let runs = 0;
      const volatile = cached(async (n: number) => ++runs && n, {
        cacheKey: `${ns}:v:{n}`,
        timeout: (n: number) => (n < 0 ? 0 : DEFAULT_TIMEOUT),
        cacheInstance: backend(),
      });
      await volatile(-1);
      await volatile(-1);
      expect(runs).toBe(2);
      await volatile(1);
      await volatile(1);
      expect(runs).toBe(3);
    });

    it('costs one get for an untagged hit, and get + getMany in one round trip for a tagged hit', async () => {
      const ns = freshNamespace();
      const counting = new CountingBackend(backend());
      const plain = cached(async (id: number) => id, { cacheKey: `${ns}:p:{id}`, cacheInstance: counting });
      const tagged = cached(async (id: number) => id, { cacheKey: `${ns}:t:{id}`, tags: [`${ns}:a:{id}`, `${ns}:b`], cacheInstance: counting });
      await plain(1);
      counting.reset();
      await plain(1);
      expect(counting.counts()).toEqual({ get: 1 });
      counting.reset();
      await tagged(1);
      // The first miss creates the tag's hard and soft versions (SPEC 11.2), each with set-if-absent.
      expect(counting.counts()).toEqual({ get: 1, getMany: 1, add: 4, set: 1 });
      counting.reset();
      await tagged(1);
      expect(counting.counts()).toEqual({ get: 1, getMany: 1 });
      // Over a network the entry and its tag versions are asked for together: one round trip, two commands.
      if (!counting.inProcess) expect(counting.calls[1]?.pendingAtCall).toBe(1);
      counting.reset();
      await tagged.invalidateCacheByTags([`${ns}:b`], 1);
      expect(counting.counts()).toEqual({ set: 1 });
      counting.reset();
      await tagged(1);
      // A miss after an invalidation reuses the tag versions it read with the entry (over a network).
      expect(counting.counts()).toEqual({ get: 1, getMany: counting.inProcess ? 2 : 1, set: 1 });
    });

    it('returns a copy: mutating a returned object changes nothing cached', async () => {
      const ns = freshNamespace();
      const config = cached(async () => ({ list: [1, 2] }), { cacheKey: `${ns}:cfg`, cacheInstance: backend() });
      await config();
      const first = await config();
      first.list.push(3);
      expect(await config()).toEqual({ list: [1, 2] });
    });
  });
}
