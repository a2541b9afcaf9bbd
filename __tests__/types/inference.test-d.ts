// Compiled by `tsc -p __tests__/tsconfig.json` inside `npm test`; never run. Issue 17 item 1:
// option functions take their parameter types from the wrapped function, and mistakes with
// cachedMethod / cachedProperty are compile errors that name the cause.
import { cached, cachedMethod, cachedProperty, cacheExports, cachedView, metaAccepted, type CachedFunction, type Meta, type TypeErrorMessage } from '../../lib';
import { expectType, type Equal } from './type-assert';

type UserRow = { id: number; tenant: string };
async function getUser(id: number, tenant = 'main'): Promise<UserRow> {
  return { id, tenant };
}

// Key, tag, prefix, timeout and jitter functions need no annotations: their parameters are the call's.
cached(getUser, { cacheKey: (id) => `u:${id.toFixed(0)}` });
cached(getUser, { cacheKey: (id, tenant) => `u:${tenant?.toUpperCase() ?? ''}:${id}` });
cached(getUser, { tags: (id) => [`user:${id.toFixed(0)}`], prefix: (id, tenant) => `${tenant ?? 'main'}:${id}` });
cached(getUser, { timeout: (id) => (id > 10 ? 60 : null), grace: 60, jitter: (id) => id % 5 });
cached(getUser, {
  cacheKey: (id) => {
    expectType<Equal<typeof id, number>>(true);
    return String(id);
  },
  tags: (...args) => {
    expectType<Equal<typeof args, [id: number, tenant?: string]>>(true);
    return [];
  },
});
// `this` is the scope, typed after the function's `this`.
const withThis = async function (this: { id: number }, page: number): Promise<number> {
  return this.id + page;
};
cached(withThis, {
  cacheKey(page) {
    expectType<Equal<typeof this, { id: number }>>(true);
    return `${this.id}:${page.toFixed(0)}`;
  },
});
// Meta functions: marked with metaAccepted (typed by context) or annotated with Meta.
cached(getUser, { tags: metaAccepted((meta) => (meta.hasReturnedValue ? [`tenant:${meta.returnedValue?.tenant ?? ''}`] : [])) });
cached(getUser, { cacheKey: (meta: Meta<[number, string?], Promise<UserRow>>) => `u:${meta.args[0]}` });
// Wrong annotations and results are still errors.
// @ts-expect-error the key function's parameter is a number, not a string
cached(getUser, { cacheKey: (id: string) => id });
// @ts-expect-error a key function must return a string
cached(getUser, { cacheKey: (id) => id });
// @ts-expect-error the inferred parameter is a number: no string methods
cached(getUser, { cacheKey: (id) => id.toUpperCase() });
// @ts-expect-error a tag function returns a list
cached(getUser, { tags: (id) => `user:${id}` });
// @ts-expect-error a timeout function returns seconds
cached(getUser, { timeout: (id) => `${id}s` });

// The same inference for cachedMethod, cachedProperty and cacheExports.
class User {
  constructor(readonly id: number) {}
  async getFriends(page: number): Promise<string[]> {
    return [`${this.id}:${page}`];
  }
  async find<T>(value: T): Promise<T> {
    return value;
  }
  get friendsCount(): Promise<number> {
    return Promise.resolve(this.id);
  }
  async loadProfile(): Promise<string> {
    return 'profile';
  }
  fullName(): string {
    return 'x';
  }
  get plain(): number {
    return 1;
  }
  refresh = async (page: number): Promise<number> => page;
  static async load(id: number): Promise<User> {
    return new User(id);
  }
  static label(): string {
    return 'User';
  }
}
const friends = cachedMethod(User, 'getFriends', {
  cacheKey(page) {
    return `friends:${this.id}:${page.toFixed(0)}`;
  },
  tags: (page) => [`page:${page.toFixed(0)}`],
});
expectType<Equal<Parameters<typeof friends.invalidateCacheByKey>, [scope: User, page: number]>>(true);
cachedMethod(User, 'find');
const load = cachedMethod(User, 'load', { static: true, cacheKey: (id) => `user:${id.toFixed(0)}` });
expectType<Equal<Parameters<typeof load.invalidateCacheByKey>, [scope: typeof User, id: number]>>(true);
const count = cachedProperty(User, 'friendsCount', {
  cacheKey() {
    return `count:${this.id.toFixed(0)}`;
  },
});
expectType<Equal<Awaited<ReturnType<typeof count.refreshCache>>, number>>(true);
const profile = cachedProperty(User, 'loadProfile');
expectType<Equal<Awaited<ReturnType<typeof profile.refreshCache>>, string>>(true);
const books = cacheExports({ findBook: async (id: number) => ({ id }) }, { findBook: { cacheKey: (id) => `book:${id.toFixed(0)}`, tags: (id) => [`book:${id}`] } });
expectType<Equal<Parameters<typeof books.findBook>, [id: number]>>(true);

// Mistakes name their cause in the compiler's message (the parameter's type is the sentence).
type MethodMessage<K extends string, Why extends string> = TypeErrorMessage<`cachedMethod: '${K}' ${Why}`>;
expectType<Equal<Parameters<typeof cachedMethod<typeof User, 'fullName'>>[1], MethodMessage<'fullName', 'does not return a Promise; only async methods can be cached in place, since the cached form is async'>>>(true);
expectType<
  Equal<
    Parameters<typeof cachedMethod<typeof User, 'refresh'>>[1],
    MethodMessage<'refresh', 'is an instance field (an arrow function or function expression), not a method on the prototype; declare it as a method, or wrap the function with cached()'>
  >
>(true);
// @ts-expect-error a member that does not return a Promise
cachedMethod(User, 'fullName');
// @ts-expect-error an arrow-function field is not on the prototype
cachedMethod(User, 'refresh');
// @ts-expect-error a member that does not exist
cachedMethod(User, 'nope');
// @ts-expect-error a static method without { static: true }
cachedMethod(User, 'load');
// @ts-expect-error a static method that does not return a Promise
cachedMethod(User, 'label', { static: true });
// @ts-expect-error a getter that is not a Promise
cachedProperty(User, 'plain');
// @ts-expect-error a method with arguments is no property
cachedProperty(User, 'getFriends');
// @ts-expect-error a member that does not exist
cachedProperty(User, 'nope');
expectType<Equal<Parameters<typeof cachedProperty<User, 'plain'>>[1], TypeErrorMessage<"cachedProperty: 'plain' is not a Promise; only a getter returning a Promise or a zero-argument async method can be cached, since the cached form is async">>>(true);

// Helpers through an instance (or a class, for a static method): cachedView, no cast.
const ann = new User(1);
void cachedView(ann.getFriends).invalidateCacheByKey(1);
expectType<Equal<ReturnType<typeof cachedView<User['getFriends']>>, CachedFunction<[page: number], Promise<string[]>, unknown>>>(true);
const annFriends = cachedView(ann.getFriends);
expectType<Equal<ReturnType<typeof annFriends.getCacheKey>, string>>(true);
void cachedView(User.load).refreshCache(2);
// @ts-expect-error the helpers take the method's arguments
void cachedView(ann.getFriends).invalidateCacheByKey('1');
// @ts-expect-error only functions have a cached view
cachedView(ann.id);
