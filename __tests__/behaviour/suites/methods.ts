import { cacheExports, cachedMethod, cachedProperty, cachedView } from '../../../lib';
import { freshNamespace, type BackendFactory } from './backend-factory';

/** cachedMethod, cachedProperty and cacheExports, on the backend `backend()` gives. */
export function describeMethods(backend: BackendFactory): void {
  describe('methods, getters and exports', () => {
    function makeUserClass() {
      const calls: string[] = [];
      class User {
        static loads = 0;
        constructor(readonly id: number) {}
        async getFriends(page: number): Promise<string[]> {
          calls.push(`friends:${this.id}:${page}`);
          return [`friend-of-${this.id}-p${page}`];
        }
        get friendsCount(): Promise<number> {
          calls.push(`count:${this.id}`);
          return Promise.resolve(this.id * 100);
        }
        static async load(id: number): Promise<User> {
          User.loads++;
          return new User(id);
        }
      }
      return { User, calls };
    }

    it('caches a prototype method per instance, with helpers through the instance and on the handle', async () => {
      const ns = freshNamespace();
      const { User, calls } = makeUserClass();
      const handle = cachedMethod(User, 'getFriends', { cacheKey: `${ns}:friends:{this.id}:{page}`, cacheInstance: backend() });
      const ann = new User(1);
      const bob = new User(2);
      expect(await ann.getFriends(1)).toEqual(['friend-of-1-p1']);
      await ann.getFriends(1);
      await bob.getFriends(1);
      expect(calls).toEqual(['friends:1:1', 'friends:2:1']);
      expect(ann.getFriends).toBe(ann.getFriends);
      expect(handle.getCacheKey(bob, 1)).toBe(`${ns}:friends:2:1`);
      await cachedView(ann.getFriends).invalidateCacheByKey(1);
      await ann.getFriends(1);
      await handle.invalidateCacheByKey(bob, 1);
      await bob.getFriends(1);
      expect(calls).toEqual(['friends:1:1', 'friends:2:1', 'friends:1:1', 'friends:2:1']);
      expect(await handle.call(ann, 1)).toEqual(['friend-of-1-p1']);
      const detached = ann.getFriends;
      expect(await detached(1)).toEqual(['friend-of-1-p1']);
      expect(calls).toHaveLength(4);
    });

    it('names automatic keys Class.method and shares them between instances', async () => {
      const { User } = makeUserClass();
      const handle = cachedMethod(User, 'getFriends', { cacheInstance: backend() });
      expect(handle.getCacheKey(new User(1), 3)).toBe(handle.getCacheKey(new User(2), 3));
      expect(handle.getCacheKey(new User(1), 3)).toMatch(/^User\.getFriends:/);
    });

    it('caches a static method with the class as scope', async () => {
      const ns = freshNamespace();
      const { User } = makeUserClass();
      const handle = cachedMethod(User, 'load', { static: true, cacheKey: `${ns}:load:{id}`, cacheInstance: backend() });
      expect((await User.load(5)).id).toBe(5);
      await User.load(5);
      expect(User.loads).toBe(1);
      await handle.invalidateCacheByKey(User, 5);
      await User.load(5);
      expect(User.loads).toBe(2);
    });

    it('turns a getter into a cached getter whose helpers take the instance', async () => {
      const ns = freshNamespace();
      const { User, calls } = makeUserClass();
      const friendsCount = cachedProperty(User, 'friendsCount', { cacheKey: `${ns}:count:{this.id}`, cacheInstance: backend() });
      const ann = new User(3);
      expect(await ann.friendsCount).toBe(300);
      expect(await ann.friendsCount).toBe(300);
      expect(calls).toEqual(['count:3']);
      expect(friendsCount.getCacheKey(ann)).toBe(`${ns}:count:3`);
      await friendsCount.invalidateCacheByKey(ann);
      expect(await ann.friendsCount).toBe(300);
      expect(await friendsCount.refreshCache(ann)).toBe(300);
      expect(calls).toEqual(['count:3', 'count:3', 'count:3']);
    });

    it('caches named module exports and passes the rest through', async () => {
      const ns = freshNamespace();
      let lookups = 0;
      const books = {
        VERSION: 3,
        async findBook(id: number) {
          lookups++;
          return { id };
        },
        formatTitle: (title: string) => title.toUpperCase(),
      };
      const cachedBooks = cacheExports(books, { findBook: { prefix: ns, cacheInstance: backend() } });
      expect(cachedBooks.VERSION).toBe(3);
      expect(cachedBooks.formatTitle('dune')).toBe('DUNE');
      await cachedBooks.findBook(1);
      await cachedBooks.findBook(1);
      expect(lookups).toBe(1);
      expect(cachedBooks.findBook.getCacheKey(1)).toBe(`${ns}:findBook:#1`);
    });
  });
}
