// Compiled by `tsc -p __tests__/tsconfig.json` inside `npm test`; never run.
import {
  cached,
  cachedMethod,
  cachedProperty,
  cacheExports,
  caches,
  DEFAULT_TIMEOUT,
  invalidateCacheTags,
  MemoryCache,
  metaAccepted,
  NOT_FOUND,
  EasyCacheError,
  FunctionError,
  FunctionTimeoutError,
  type CacheEvent,
  type CacheInstance,
  type CachedFunction,
  type EntryRewrite,
  type Foresee,
  type LockEvent,
  type ReadReceiver,
  type LockOptions,
  type StaleEvent,
  type StaleReason,
} from '../../lib';
import { expectType, type Equal } from './type-assert';

async function getUser(id: number, tenant = 'main'): Promise<{ id: number; tenant: string }> {
  return { id, tenant };
}
function add(a: number, b: number): number {
  return a + b;
}

// Parameters and return types are kept; sync functions become async.
const cachedGetUser = cached(getUser, { cacheKey: 'user:{id}:{tenant}', timeout: 60 });
expectType<Equal<Parameters<typeof cachedGetUser>, [id: number, tenant?: string]>>(true);
expectType<Equal<ReturnType<typeof cachedGetUser>, Promise<{ id: number; tenant: string }>>>(true);
const cachedAdd = cached(add);
expectType<Equal<ReturnType<typeof cachedAdd>, Promise<number>>>(true);
expectType<Equal<typeof cachedAdd, CachedFunction<[a: number, b: number], number, unknown>>>(true);

// A defaulted parameter without an annotation keeps the type of its default.
const withDefault = cached(async (a: number, label = 'x') => label.length + a);
expectType<Equal<Parameters<typeof withDefault>, [a: number, label?: string]>>(true);
// A declared `this` is kept.
const withThis = cached(async function (this: { id: number }, page: number) {
  return this.id + page;
});
expectType<Equal<ThisParameterType<typeof withThis>, { id: number }>>(true);
// @ts-expect-error called without its receiver
void withThis(1);

// Helpers take the function's arguments.
expectType<Equal<ReturnType<typeof cachedGetUser.getCacheKey>, string>>(true);
void cachedGetUser.invalidateCacheByKey(1);
void cachedGetUser.invalidateCacheByTags(['user:{id}'], 1);
void cachedGetUser.invalidateCacheByPrefix();
expectType<Equal<Awaited<ReturnType<typeof cachedGetUser.refreshCache>>, { id: number; tenant: string }>>(true);
// @ts-expect-error a wrong argument type given to invalidateCacheByKey
void cachedGetUser.invalidateCacheByKey('1');
// @ts-expect-error a missing argument the key needs
void cachedAdd.invalidateCacheByKey(1);
// @ts-expect-error wrong argument type in a call
void cachedGetUser('x');

// Options are typed after the function.
cached(getUser, { timeout: DEFAULT_TIMEOUT, tags: (id: number) => [`user:${id}`], prefix: (id: number, tenant?: string) => `${tenant}:${id}` });
cached(getUser, { tags: metaAccepted((meta) => (meta.hasReturnedValue ? [`tenant:${meta.returnedValue?.tenant ?? ''}`] : [])) });
cached(getUser, { timeout: metaAccepted((meta) => (meta.args[0] > 10 ? 60 : null)) });
// @ts-expect-error timeout in words
cached(getUser, { timeout: 'soon' });
// @ts-expect-error misspelt option
cached(getUser, { timout: 5 });
// @ts-expect-error a tag function with the wrong parameter type
cached(getUser, { tags: (id: string) => [id] });
// @ts-expect-error a key function that returns no string
cached(getUser, { cacheKey: (id: number) => id });

// lock: a boolean or { ttlMs?, waitMs? }; its event is part of CacheEvent.
cached(getUser, { lock: true });
cached(getUser, { lock: { ttlMs: 30_000 } satisfies LockOptions });
// @ts-expect-error lock in words
cached(getUser, { lock: 'yes' });
// @ts-expect-error a misspelt lock field
cached(getUser, { lock: { ttl: 5000 } });
expectType<Equal<Extract<CacheEvent, { type: 'lock' }>, LockEvent>>(true);
expectType<Equal<LockEvent['outcome'], 'taken' | 'waited' | 'given-up'>>(true);

// Stale serving (SPEC 11.1, 11.3): the options, typed after the function where they take a call.
cached(getUser, { timeout: 60, grace: 3600, graceBackoff: 5, softTimeoutMs: 0, hardTimeoutMs: 2000, eagerRefresh: 0.8, jitter: 10 });
cached(getUser, { timeout: (id: number) => id, grace: 60, jitter: (id: number, tenant?: string) => (tenant ? id : 0) });
cached(getUser, { timeout: 60, jitter: metaAccepted((meta) => meta.args[0]) });
// @ts-expect-error grace in words
cached(getUser, { timeout: 60, grace: '5' });
// @ts-expect-error softTimeoutMs in words
cached(getUser, { timeout: 60, grace: 5, softTimeoutMs: '100ms' });
// @ts-expect-error a jitter function with the wrong parameter type
cached(getUser, { timeout: 60, jitter: (id: string) => id.length });
// @ts-expect-error a jitter function that returns no number
cached(getUser, { timeout: 60, jitter: () => 'soon' });
// @ts-expect-error eagerRefresh is a fraction, not a flag
cached(getUser, { timeout: 60, eagerRefresh: true });
// The new errors are EasyCacheErrors with their facts.
const timedOut = new FunctionTimeoutError('slow', { key: 'k', timeoutMs: 5 });
expectType<Equal<typeof timedOut.key, string>>(true);
expectType<Equal<typeof timedOut.timeoutMs, number>>(true);
const failed: EasyCacheError = new FunctionError('failed', { key: 'k', cause: new Error('x') });
void failed;
// The stale event is one of the events, with its reason.
expectType<Equal<Extract<CacheEvent, { type: 'stale' }>, StaleEvent>>(true);
expectType<Equal<StaleEvent['reason'], StaleReason>>(true);
expectType<Equal<StaleReason, 'error' | 'soft-timeout' | 'hard-timeout' | 'backoff' | 'swr'>>(true);
cached(getUser, { onEvent: (event) => (event.type === 'stale' ? event.reason : event.type) });

// Methods: only members that return a Promise can be cached in place.
class User {
  constructor(readonly id: number) {}
  async getFriends(page: number): Promise<string[]> {
    return [`${this.id}:${page}`];
  }
  get friendsCount(): Promise<number> {
    return Promise.resolve(1);
  }
  fullName(): string {
    return 'x';
  }
  static async load(id: number): Promise<User> {
    return new User(id);
  }
}
const friends = cachedMethod(User, 'getFriends', { cacheKey: 'friends:{this.id}:{page}' });
expectType<Equal<Parameters<typeof friends.invalidateCacheByKey>, [scope: User, page: number]>>(true);
expectType<Equal<ReturnType<typeof friends.getCacheKey>, string>>(true);
// @ts-expect-error a non-Promise member given to cachedMethod
cachedMethod(User, 'fullName');
// @ts-expect-error a member that does not exist
cachedMethod(User, 'nope');
const load = cachedMethod(User, 'load', { static: true });
expectType<Equal<Parameters<typeof load.invalidateCacheByKey>, [scope: typeof User, id: number]>>(true);
const count = cachedProperty(User, 'friendsCount');
expectType<Equal<Awaited<ReturnType<typeof count.refreshCache>>, number>>(true);
// @ts-expect-error a cachedProperty handle is not callable
count();
// @ts-expect-error a non-Promise method is no cached property
cachedProperty(User, 'fullName');

// Module exports keep their types.
const books = { VERSION: 1, findBook: async (id: number) => ({ id }), title: (s: string) => s };
const cachedBooks = cacheExports(books, { findBook: { cacheKey: 'book:{id}' } });
expectType<Equal<typeof cachedBooks.VERSION, number>>(true);
expectType<Equal<ReturnType<typeof cachedBooks.findBook>, Promise<{ id: number }>>>(true);
expectType<Equal<ReturnType<typeof cachedBooks.findBook.getCacheKey>, string>>(true);
expectType<Equal<typeof cachedBooks.title, (s: string) => string>>(true);
// @ts-expect-error an export that does not exist
cacheExports(books, { nothing: {} });

// Backends and registry.
const backend: CacheInstance = new MemoryCache({ maxEntries: 10 });
expectType<Equal<typeof backend.losesPrototypes, boolean | undefined>>(true);
expectType<Equal<MemoryCache['losesPrototypes'], boolean>>(true);
const custom: Pick<CacheInstance, 'losesPrototypes'> = { losesPrototypes: true };
// @ts-expect-error losesPrototypes is read-only
custom.losesPrototypes = false;
caches.set('memory', backend);
void backend.get('k').then((value) => (value === NOT_FOUND ? 'miss' : value));
// A read may hand its likely value to a `Foresee` before it resolves; a backend without one still fits the port.
const foresee: Foresee = (likely) => void likely;
void backend.get('k', foresee);
expectType<Equal<Parameters<Foresee>, [likely: unknown]>>(true);
const withoutForesee: Pick<CacheInstance, 'get'> = { get: async () => NOT_FOUND };
void withoutForesee.get('k', foresee);
// @ts-expect-error a foresee is a function of the likely value
void backend.get('k', 'likely');
// `readInto` is optional, returns nothing, and hands its outcome to a `ReadReceiver`.
const receiver: ReadReceiver = { foresee: (likely) => void likely, receive: (outcome, answered) => void [outcome, answered] };
const reading: Pick<CacheInstance, 'get' | 'readInto'> = { get: async () => NOT_FOUND, readInto: (_key, into) => queueMicrotask(() => into.receive(NOT_FOUND, true)) };
expectType<Equal<ReturnType<NonNullable<CacheInstance['readInto']>>, void>>(true);
expectType<Equal<Parameters<ReadReceiver['receive']>, [outcome: unknown, answered: boolean]>>(true);
reading.readInto?.('k', receiver);
// @ts-expect-error a receiver must be able to receive the outcome, not only foresee it
reading.readInto?.('k', { foresee: () => undefined });
// `rewrite`'s change says what the entry becomes: a value (with a timeout), 'delete' or 'keep'.
const rewrites: EntryRewrite[] = [{ value: { n: 1 }, timeout: 60 }, { value: null }, 'delete', 'keep'];
void new MemoryCache().rewrite(
  'k',
  (stored): EntryRewrite => (stored === NOT_FOUND ? 'keep' : (rewrites[0] as EntryRewrite)),
);
expectType<Equal<ReturnType<MemoryCache['rewrite']>, Promise<boolean>>>(true);
// @ts-expect-error a rewrite is a value, 'delete' or 'keep'
const unknownRewrite: EntryRewrite = 'drop';
// @ts-expect-error a rewritten value comes with its timeout, not an expiry date
const misnamedTimeout: EntryRewrite = { value: 1, expires: 60 };
const withoutRewrite: Pick<CacheInstance, 'get' | 'rewrite'> = { get: async () => NOT_FOUND };
void [unknownRewrite, misnamedTimeout, withoutRewrite];
void invalidateCacheTags(['a', 'b'], { cacheAlias: 'memory' });
// @ts-expect-error invalidateCacheTags takes texts
void invalidateCacheTags(42);
