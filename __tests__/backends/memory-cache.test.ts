import { cached } from '../../lib';
import { NOT_FOUND } from '../../lib/backends/backend';
import { MemoryCache } from '../../lib/backends/memory/memory-cache';
import { MEMORY_CACHE_DEFAULTS } from '../../lib/backends/memory/memory-cache-options';
import { BackendError, CacheConfigError, SerializationError } from '../../lib/errors';
import { taggedJson } from '../../lib/serializer/tagged-json';
import { describeBackendContract } from '../../lib/testing';
import { mutateEverywhere, objectsIn } from '../helpers/mutate-everywhere';

// The expiry cases move the cache's clock instead of waiting 2.1 s.
let skipped = 0;
describeBackendContract('MemoryCache', () => new MemoryCache({ now: () => Date.now() + skipped }), {
  passTime: async (ms) => {
    skipped += ms;
  },
});

/** A MemoryCache on a clock the test moves by hand. */
function withClock(options: ConstructorParameters<typeof MemoryCache>[0] = {}) {
  const clock = { now: 1_000_000 };
  const cache = new MemoryCache({ ...options, now: () => clock.now });
  return { cache, clock };
}

/** The keys among `keys` that `cache` holds. Reading counts as use, so call it only at the end of a case. */
async function heldKeys(cache: MemoryCache, keys: readonly string[]): Promise<string[]> {
  return [...(await cache.getMany(keys)).keys()];
}

/** A small deterministic pseudo-random generator (mulberry32), so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('MemoryCache: CLOCK eviction (approximately least recently used)', () => {
  it('holds at most maxEntries, evicts nothing before it is full, and with no reads evicts the oldest write first', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await cache.set(k, k);
    expect(cache.size).toBe(3);
    await cache.set('d', 'd');
    expect(cache.size).toBe(3);
    await cache.set('e', 'e');
    expect(cache.size).toBe(3);
    expect(await heldKeys(cache, ['a', 'b', 'c', 'd', 'e'])).toEqual(['c', 'd', 'e']);
  });

  it('keeps an entry read since the hand last passed it for one more pass, then lets it go', async () => {
    const cache = new MemoryCache({ maxEntries: 4 });
    await cache.setMany(new Map([['a', 1], ['b', 2], ['c', 3], ['d', 4]]));
    await cache.get('a');
    // The hand passes 'a' (clearing its mark) and takes the three unread entries, oldest first.
    for (const k of ['e', 'f', 'g']) await cache.set(k, k);
    // Misses mark nothing: with b, c, d gone and four held, the held ones are a, e, f and g.
    expect(await heldKeys(cache, ['b', 'c', 'd'])).toEqual([]);
    expect(cache.size).toBe(4);
    // Not read again since the hand passed it: 'a' is next.
    await cache.set('h', 'h');
    expect(await heldKeys(cache, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])).toEqual(['e', 'f', 'g', 'h']);
  });

  it('counts a get as use, so the entry read survives the next eviction', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    await cache.setMany(new Map([['a', 1], ['b', 2], ['c', 3]]));
    await cache.get('a');
    await cache.set('d', 4);
    expect(await cache.get('b')).toBe(NOT_FOUND);
    expect(await cache.get('a')).toBe(1);
  });

  it('counts getSync hits, getMany hits and overwrites as use', async () => {
    const cache = new MemoryCache({ maxEntries: 4 });
    await cache.setMany(new Map([['a', 1], ['b', 2], ['c', 3], ['d', 4]]));
    cache.getSync('a');
    await cache.getMany(['b']);
    await cache.set('c', 30);
    await cache.set('e', 5);
    expect(await heldKeys(cache, ['a', 'b', 'c', 'd', 'e'])).toEqual(['a', 'b', 'c', 'e']);
    expect(await cache.get('c')).toBe(30);
  });

  it('falls back to the oldest write when every entry was read (one full pass clears the marks)', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    await cache.setMany(new Map([['a', 1], ['b', 2], ['c', 3]]));
    await cache.getMany(['a', 'b', 'c']);
    await cache.set('d', 4);
    await cache.set('e', 5);
    expect(await heldKeys(cache, ['a', 'b', 'c', 'd', 'e'])).toEqual(['c', 'd', 'e']);
  });

  it('does not evict when a held key is overwritten', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.set('b', 3);
    expect(cache.size).toBe(2);
    expect(await cache.get('a')).toBe(1);
  });

  it('does not count a failed add as use', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    expect(await cache.add('a', 10)).toBe(false);
    await cache.set('c', 3);
    expect(await cache.get('a')).toBe(NOT_FOUND);
  });

  it('evicts an expired entry the hand finds before an unread live one, even if it was read', async () => {
    const { cache, clock } = withClock({ maxEntries: 3 });
    await cache.set('a', 1);
    await cache.set('short', 2, 1);
    await cache.set('c', 3);
    await cache.getMany(['a', 'short']);
    clock.now += 1000;
    await cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(await heldKeys(cache, ['a', 'short', 'c', 'd'])).toEqual(['a', 'c', 'd']);
  });

  it('reuses the room of deleted and expired entries before evicting anything, and starts afresh after clear', async () => {
    const { cache, clock } = withClock({ maxEntries: 4 });
    await cache.setMany(new Map([['a', 1], ['b', 2], ['c', 3]]));
    await cache.set('d', 4, 1);
    await cache.delete('b');
    await cache.set('e', 5);
    expect(cache.size).toBe(4);
    clock.now += 1000;
    expect(await cache.get('d')).toBe(NOT_FOUND);
    expect(cache.size).toBe(3);
    await cache.set('f', 6);
    expect(cache.size).toBe(4);
    expect(cache.prune()).toBe(0);
    // Full now: the next write evicts, and 'a' (written first, never read) goes.
    await cache.set('g', 7);
    expect(await heldKeys(cache, ['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toEqual(['c', 'e', 'f', 'g']);
    await cache.clear();
    expect(cache.size).toBe(0);
    for (const k of ['x', 'y', 'z', 'w', 'v']) await cache.set(k, k);
    expect(await heldKeys(cache, ['v', 'w', 'x', 'y', 'z'])).toEqual(['v', 'w', 'y', 'z']);
  });

  it('grows past its first allocation and keeps the newest writes of a long run', async () => {
    const cache = new MemoryCache({ maxEntries: 1000 });
    for (let i = 0; i < 2500; i++) await cache.set(`k${i}`, i);
    expect(cache.size).toBe(1000);
    const all = Array.from({ length: 2500 }, (_, i) => `k${i}`);
    expect(await heldKeys(cache, all)).toEqual(all.slice(1500));
    await cache.clear();
    for (let i = 0; i < 1200; i++) await cache.set(`again${i}`, i);
    expect(cache.size).toBe(1000);
    expect(await cache.get('again199')).toBe(NOT_FOUND);
    expect(await cache.get('again200')).toBe(200);
  });

  it('stays bounded under many writes with maxEntries 1', async () => {
    const cache = new MemoryCache({ maxEntries: 1 });
    for (let i = 0; i < 1000; i++) await cache.set(`k${i}`, i);
    expect(cache.size).toBe(1);
    expect(await cache.get('k999')).toBe(999);
  });

  it.each([1, 2, 7, 64, 65])(
    'with maxEntries %i, never exceeds the bound and never returns a wrong value under a random mix of calls',
    async (maxEntries) => {
      const { cache, clock } = withClock({ maxEntries });
      const next = random(maxEntries);
      const keys = Array.from({ length: maxEntries * 3 + 2 }, (_, i) => `key${i}`);
      /** The last value written to each key; an entry may be gone (evicted, expired), never different. */
      const written = new Map<string, number>();
      for (let step = 0; step < 4000; step++) {
        const key = keys[Math.floor(next() * keys.length)] as string;
        const roll = next();
        const timeout = next() < 0.2 ? 0.5 : null;
        if (roll < 0.35) {
          await cache.set(key, step, timeout);
          written.set(key, step);
          expect(await cache.get(key)).toBe(step);
        } else if (roll < 0.45) {
          if (await cache.add(key, step, timeout)) written.set(key, step);
        } else if (roll < 0.55) {
          await cache.delete(key);
          written.delete(key);
        } else if (roll < 0.6) {
          clock.now += 200;
        } else if (roll < 0.65) {
          const sizeBefore = cache.size;
          expect(cache.prune()).toBeLessThanOrEqual(sizeBefore);
          expect(cache.size).toBe((await cache.getMany(keys)).size);
        } else {
          const found = roll < 0.8 ? cache.getSync(key) : await cache.get(key);
          if (found !== NOT_FOUND) expect(found).toBe(written.get(key));
        }
        expect(cache.size).toBeLessThanOrEqual(maxEntries);
      }
      cache.prune();
      const held = await cache.getMany(keys);
      expect(cache.size).toBe(held.size);
      for (const [key, value] of held) expect(value).toBe(written.get(key));
    },
  );

  it('defaults to 10 000 entries', async () => {
    expect(MEMORY_CACHE_DEFAULTS.maxEntries).toBe(10_000);
    const cache = new MemoryCache();
    await cache.setMany(new Map(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i])));
    expect(cache.size).toBe(10_000);
    expect(await cache.get('k0')).toBe(NOT_FOUND);
    expect(await cache.get('k1')).toBe(1);
  });
});

describe('MemoryCache: expiry on an injected clock', () => {
  it('judges a getSync by the clock reading it is given, and reads its clock only without one', async () => {
    const clock = { now: 1_000_000, reads: 0 };
    const cache = new MemoryCache({
      now: () => {
        clock.reads++;
        return clock.now;
      },
    });
    await cache.set('k', 'v', 1);
    clock.reads = 0;
    // The caller's reading, not the clock, decides: live at 1 ms before expiry, gone at expiry.
    clock.now += 5000;
    expect(cache.getSync('k', 1_000_999)).toBe('v');
    expect(clock.reads).toBe(0);
    expect(cache.getSync('k')).toBe(NOT_FOUND);
    expect(clock.reads).toBe(1);
    await cache.set('j', 'v', 1);
    expect(cache.getSync('j', clock.now + 1000)).toBe(NOT_FOUND);
    expect(cache.size).toBe(0);
  });

  it('keeps fractions of a second', async () => {
    const { cache, clock } = withClock();
    await cache.set('k', 'v', 1.25);
    clock.now += 1249;
    expect(await cache.get('k')).toBe('v');
    clock.now += 1;
    expect(await cache.get('k')).toBe(NOT_FOUND);
    expect(cache.size).toBe(0);
  });

  it('applies defaultTimeout when set is given undefined, and null never expires', async () => {
    const { cache, clock } = withClock({ defaultTimeout: 10 });
    await cache.set('default', 1);
    await cache.set('never', 2, null);
    clock.now += 10_000;
    expect(await cache.get('default')).toBe(NOT_FOUND);
    clock.now += 1e12;
    expect(await cache.get('never')).toBe(2);
  });

  it('lets add replace an expired entry and delete report it as absent', async () => {
    const { cache, clock } = withClock();
    await cache.set('a', 'old', 1);
    await cache.set('d', 'old', 1);
    clock.now += 1000;
    expect(await cache.add('a', 'new')).toBe(true);
    expect(await cache.get('a')).toBe('new');
    expect(await cache.delete('d')).toBe(false);
  });

  it('reclaims expired entries under eviction pressure and through prune()', async () => {
    const { cache, clock } = withClock({ maxEntries: 3 });
    await cache.set('short-1', 1, 1);
    await cache.set('short-2', 2, 1);
    await cache.set('long', 3, 100);
    clock.now += 2000;
    expect(cache.size).toBe(3);
    await cache.set('new', 4);
    expect(cache.size).toBe(3);
    expect(cache.prune()).toBe(1);
    expect(cache.size).toBe(2);
    expect(await cache.get('long')).toBe(3);
  });

  it('starts no timers', async () => {
    jest.useFakeTimers();
    try {
      const cache = new MemoryCache({ defaultTimeout: 5 });
      await cache.set('a', 1);
      await cache.set('b', 2, 0.5);
      await cache.add('c', 3, 60);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('expires on the real clock too', async () => {
    const cache = new MemoryCache();
    // Long enough that a pause of the process (a GC, a busy machine) between the write and the read is not an expiry.
    await cache.set('k', 'v', 0.25);
    expect(await cache.get('k')).toBe('v');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await cache.get('k')).toBe(NOT_FOUND);
  });

  it.each([NaN, Infinity, -Infinity, '5', {}])('rejects a timeout of %p with CacheConfigError and stores nothing', async (timeout) => {
    const cache = new MemoryCache();
    await expect(cache.set('k', 1, timeout as number)).rejects.toThrow(CacheConfigError);
    await expect(cache.add('k', 1, timeout as number)).rejects.toThrow(/timeout must be a finite number of seconds/);
    expect(cache.size).toBe(0);
  });
});

describe('MemoryCache: copies', () => {
  it('hands out a fresh copy on every read by default', async () => {
    const cache = new MemoryCache();
    const original = { list: [1, 2], at: new Date(0) };
    await cache.set('k', original);
    original.list.push(3);
    const first = (await cache.get('k')) as typeof original;
    first.list.push(4);
    first.at.setTime(5);
    expect(await cache.get('k')).toStrictEqual({ list: [1, 2], at: new Date(0) });
    expect(await cache.get('k')).not.toBe(await cache.get('k'));
  });

  it('reads copies with the default serializer without JSON.parse, each one independent at every level', async () => {
    class Account {
      id = 7;
      get label(): string {
        return `account ${this.id}`;
      }
    }
    const value = () => ({
      account: new Account(),
      at: new Date(5),
      byId: new Map<unknown, unknown>([[1, { tags: ['a'] }], [{ k: 1 }, 'object key']]),
      seen: new Set<unknown>([1, { n: 2 }]),
      bytes: Buffer.from('abc'),
      floats: new Float64Array([1.5, -0]),
      list: [{ deep: [undefined, 10n, NaN] }],
    });
    const cache = new MemoryCache();
    await cache.set('k', value());
    const expected = taggedJson.decode(taggedJson.encode(value()));
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const first = cache.getSync('k') as ReturnType<typeof value>;
      const second = (await cache.get('k')) as ReturnType<typeof value>;
      expect(parse).not.toHaveBeenCalled();
      expect(first).toStrictEqual(expected);
      expect(Object.getPrototypeOf(first.account)).toBe(Object.prototype);
      expect(Buffer.isBuffer(first.bytes)).toBe(true);
      first.at.setTime(0);
      (first.byId.get(1) as { tags: string[] }).tags.push('b');
      ([...first.byId.keys()][1] as { k: number }).k = 2;
      ([...first.seen][1] as { n: number }).n = 3;
      first.bytes.fill(0);
      first.floats[0] = 0;
      (first.list[0]?.deep as unknown[]).push('x');
      expect(second).toStrictEqual(expected);
      expect(cache.getSync('k')).toStrictEqual(expected);
    } finally {
      parse.mockRestore();
    }
  });

  it('copies through getMany too', async () => {
    const cache = new MemoryCache();
    await cache.set('k', { n: 1 });
    const found = (await cache.getMany(['k'])).get('k') as { n: number };
    found.n = 2;
    expect(await cache.get('k')).toStrictEqual({ n: 1 });
  });

  it('returns the same reference with copy: false, and stores even what cannot be serialized', async () => {
    const cache = new MemoryCache({ copy: false });
    const value = { fn: () => 1 };
    await cache.set('k', value);
    expect(await cache.get('k')).toBe(value);
  });

  it('hands a custom serializer its own text on every read, even one that wraps taggedJson', async () => {
    const cache = new MemoryCache({
      serializer: { encode: (value) => `wrapped|${taggedJson.encode(value)}`, decode: (text) => ({ decoded: taggedJson.decode(text.slice(8)) }) },
    });
    await cache.set('k', { a: [1] });
    expect(await cache.get('k')).toStrictEqual({ decoded: { a: [1] } });
  });

  it('encodes objects through the given serializer', async () => {
    const calls: string[] = [];
    const cache = new MemoryCache({
      serializer: {
        encode: (value) => (calls.push('encode'), taggedJson.encode(value)),
        decode: (text) => (calls.push('decode'), taggedJson.decode(text)),
      },
    });
    await cache.set('object', { a: 1 });
    await cache.set('string', 'text');
    expect(await cache.get('object')).toStrictEqual({ a: 1 });
    expect(cache.getSync('object')).toStrictEqual({ a: 1 });
    expect(await cache.get('string')).toBe('text');
    // A serializer other than the default runs on every read: its decode may do anything.
    expect(calls).toEqual(['encode', 'decode', 'decode']);
  });

  it('keeps the previous value when a set cannot encode the new one', async () => {
    const cache = new MemoryCache();
    await cache.set('k', 'old');
    await expect(cache.set('k', { f: Symbol('x') })).rejects.toThrow(SerializationError);
    expect(await cache.get('k')).toBe('old');
  });
});

describe('MemoryCache: the form each copy is kept in', () => {
  class Account {
    id = 7;
    tags = ['a'];
    get label(): string {
      return `account ${this.id}`;
    }
  }
  // One symbol for every row, so that a fresh value equals the one stored before it.
  const SYMBOL_KEY = Symbol('k');
  const plain = () => ({ name: 'Ada', roles: ['admin', { level: 2 }], empty: {}, none: [], nothing: null });
  const dated = () => ({ at: new Date(5), byId: new Map<string, unknown>([['a', { n: [1] }]]), list: [new Date(6)] });
  const instance = () => new Account();
  /** One row per way a copy is kept: plain JSON data (copied as it is) and what goes through the encoder. */
  const VALUES: Array<[string, () => unknown]> = [
    ['plain JSON data', plain],
    ['an entry-shaped object (its only object under "v", as the core stores)', () => ({ m: 'easy-cache:3', v: { id: 1, roles: ['admin', { level: [2] }] }, f: 5, g: 9 })],
    ['an entry-shaped object whose "v" is a primitive', () => ({ m: 'easy-cache:3', v: 'text', f: 5 })],
    ['an object with objects under "v" and another member', () => ({ m: 'easy-cache:3', v: { id: 1 }, t: { 'tag:a': 'x' } })],
    ['an own "__proto__" member and an object without prototype', () => ({ parsed: JSON.parse('{"__proto__": {"x": 1}}'), bare: Object.assign(Object.create(null) as object, { a: [1] }) })],
    ['a Date and a Map inside', dated],
    ['a class instance', instance],
    ['a Buffer inside', () => ({ bytes: Buffer.from('abc'), list: [1, 2] })],
    ['a symbol-keyed member (left out, as JSON does)', () => ({ a: [1], [SYMBOL_KEY]: 2 })],
  ];
  const decodedEncoding = (value: unknown): unknown => taggedJson.decode(taggedJson.encode(value));

  it.each(VALUES)('reads %s back as decoding its encoding gives, a fresh copy on every read', async (_label, make) => {
    const cache = new MemoryCache();
    const original = make();
    await cache.set('k', original);
    const first = await cache.get('k');
    const second = cache.getSync('k');
    expect(first).toStrictEqual(decodedEncoding(make()));
    expect(second).toStrictEqual(decodedEncoding(make()));
    const elsewhere = new Set([...objectsIn(second), ...objectsIn(original)]);
    for (const object of objectsIn(first)) expect(elsewhere.has(object)).toBe(false);
    mutateEverywhere(first);
    expect((await cache.getMany(['k'])).get('k')).toStrictEqual(decodedEncoding(make()));
    expect(original).toStrictEqual(make());
  });

  it.each(VALUES)('keeps %s as it was when set, whatever happens to the original later', async (_label, make) => {
    const cache = new MemoryCache();
    const original = make();
    await cache.set('k', original);
    mutateEverywhere(original);
    expect(await cache.get('k')).toStrictEqual(decodedEncoding(make()));
  });

  it('switches the form of an entry when its key is overwritten by another kind of value', async () => {
    const cache = new MemoryCache();
    const sequence: Array<() => unknown> = [plain, dated, plain, () => 'text', dated, instance, () => 42, plain];
    for (const make of sequence) {
      await cache.set('k', make());
      expect(await cache.get('k')).toStrictEqual(decodedEncoding(make()));
      expect(cache.getSync('k')).toStrictEqual(decodedEncoding(make()));
    }
    await cache.delete('k');
    await cache.add('k', dated());
    expect(await cache.get('k')).toStrictEqual(decodedEncoding(dated()));
  });

  it('keeps each entry of one setMany in its own form', async () => {
    const cache = new MemoryCache();
    const entries = new Map<string, unknown>(VALUES.map(([label, make]) => [label, make()]));
    entries.set('a number', 5);
    await cache.setMany(entries);
    const found = await cache.getMany([...entries.keys()]);
    for (const [label, make] of VALUES) expect(found.get(label)).toStrictEqual(decodedEncoding(make()));
    expect(found.get('a number')).toBe(5);
  });

  it('copies plain JSON data in and out without JSON text, and encodes only what is not plain', async () => {
    const cache = new MemoryCache();
    const stringify = jest.spyOn(JSON, 'stringify');
    const parse = jest.spyOn(JSON, 'parse');
    try {
      await cache.set('plain', { name: 'Ada', roles: ['admin'] });
      cache.getSync('plain');
      await cache.getMany(['plain']);
      expect(stringify).not.toHaveBeenCalled();
      expect(parse).not.toHaveBeenCalled();
      await cache.set('dated', { at: new Date(0) });
      expect(stringify).toHaveBeenCalledTimes(1);
    } finally {
      stringify.mockRestore();
      parse.mockRestore();
    }
  });

  it('refuses a value whose getter throws with a SerializationError, keeping what was stored', async () => {
    const cache = new MemoryCache();
    await cache.set('k', { kept: true });
    const failing = {
      get bad(): never {
        throw new Error('getter failed');
      },
    };
    await expect(cache.set('k', { nested: failing })).rejects.toThrow(SerializationError);
    expect(await cache.get('k')).toStrictEqual({ kept: true });
  });

  it('with a custom serializer, decodes the text it encoded on every read, whatever the value holds', async () => {
    const encoded: string[] = [];
    const decoded: string[] = [];
    const cache = new MemoryCache({
      serializer: {
        encode: (value) => {
          const text = taggedJson.encode(value);
          encoded.push(text);
          return text;
        },
        decode: (text) => (decoded.push(text), taggedJson.decode(text)),
      },
    });
    for (const [label, make] of VALUES) await cache.set(label, make());
    expect(encoded).toHaveLength(VALUES.length);
    for (const [label, make] of VALUES) {
      const first = await cache.get(label);
      expect(first).toStrictEqual(decodedEncoding(make()));
      expect(cache.getSync(label)).not.toBe(first);
    }
    await cache.getMany(VALUES.map(([label]) => label));
    expect(decoded).toEqual([...encoded.flatMap((text) => [text, text]), ...encoded]);
  });

  it.each(VALUES)('returns %s itself with copy: false', async (_label, make) => {
    const cache = new MemoryCache({ copy: false });
    const original = make();
    await cache.set('k', original);
    expect(await cache.get('k')).toBe(original);
    expect(cache.getSync('k')).toBe(original);
    expect((await cache.getMany(['k'])).get('k')).toBe(original);
  });
});

describe('MemoryCache: close', () => {
  it('empties the cache and rejects later calls with BackendError naming the operation', async () => {
    const cache = new MemoryCache();
    await cache.set('k', 1);
    await cache.close();
    expect(cache.size).toBe(0);
    await expect(cache.get('k')).rejects.toThrow(BackendError);
    await expect(cache.set('k', 1)).rejects.toMatchObject({ operation: 'set', key: 'k' });
    await expect(cache.getMany(['k'])).rejects.toThrow(/getMany after close\(\)/);
    await expect(cache.setMany(new Map([['k', 1]]))).rejects.toThrow(BackendError);
    await expect(cache.add('k', 1)).rejects.toThrow(BackendError);
    await expect(cache.delete('k')).rejects.toThrow(BackendError);
    await expect(cache.clear()).rejects.toThrow(BackendError);
    await expect(cache.close()).resolves.toBeUndefined();
  });
});

describe('MemoryCache: options', () => {
  it('exposes backendTimeoutMs only when given', () => {
    expect(new MemoryCache().backendTimeoutMs).toBeUndefined();
    expect(new MemoryCache({ backendTimeoutMs: 40 }).backendTimeoutMs).toBe(40);
  });

  it('accepts every option at once', () => {
    expect(
      () =>
        new MemoryCache({ maxEntries: 5, copy: false, serializer: taggedJson, defaultTimeout: 1.5, backendTimeoutMs: 10, now: Date.now }),
    ).not.toThrow();
    expect(() => new MemoryCache({ defaultTimeout: null })).not.toThrow();
  });

  it.each<[string, unknown, RegExp]>([
    ['maxEntries', 0, /option "maxEntries" must be a positive integer; received 0/],
    ['maxEntries', -1, /"maxEntries" must be a positive integer; received -1/],
    ['maxEntries', 1.5, /"maxEntries" must be a positive integer; received 1.5/],
    ['maxEntries', Infinity, /"maxEntries" must be a positive integer; received Infinity/],
    ['maxEntries', '10', /"maxEntries" must be a positive integer; received "10"/],
    ['copy', 'yes', /"copy" must be a boolean; received "yes"/],
    ['serializer', { encode: () => '' }, /"serializer" must be an object with encode\(value\) and decode\(text\) functions; received an object/],
    ['defaultTimeout', 0, /"defaultTimeout" must be a positive finite number of seconds or null; received 0/],
    ['defaultTimeout', Infinity, /"defaultTimeout" must be .*received Infinity/],
    ['backendTimeoutMs', -5, /"backendTimeoutMs" must be a positive finite number of milliseconds; received -5/],
    ['now', 5, /"now" must be a function returning milliseconds; received 5/],
  ])('refuses %s = %p with CacheConfigError naming the option', (option, value, message) => {
    const make = () => new MemoryCache({ [option]: value });
    expect(make).toThrow(CacheConfigError);
    expect(make).toThrow(message);
    try {
      make();
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_CACHE_CONFIG', option, received: value });
    }
  });

  it('refuses an unknown option name, listing the known ones', () => {
    const make = () => new MemoryCache({ maxEntires: 5 } as unknown as ConstructorParameters<typeof MemoryCache>[0]);
    expect(make).toThrow(/"maxEntires" is not an option of MemoryCache; known options are maxEntries, copy, serializer/);
    expect(make).toThrow(expect.objectContaining({ option: 'maxEntires', received: 5 }));
  });

  it('refuses options that are not an object', () => {
    const make = () => new MemoryCache(5 as unknown as ConstructorParameters<typeof MemoryCache>[0]);
    expect(make).toThrow(CacheConfigError);
    expect(make).toThrow(/options must be an object/);
  });
});

describe('MemoryCache: backendTimeoutMs and subclasses (issue 16 item 2)', () => {
  /** A subclass whose `get` answers only when released, counting its calls. */
  class SlowMemoryCache extends MemoryCache {
    gets = 0;
    release: () => void = () => undefined;
    override async get(key: string): Promise<unknown> {
      this.gets += 1;
      await new Promise<void>((resolve) => {
        this.release = resolve;
      });
      return super.get(key);
    }
  }

  it('is a plain in-process backend without the option or an override', () => {
    const cache = new MemoryCache();
    expect(cache.inProcess).toBe(true);
    expect(typeof cache.getSync).toBe('function');
  });

  it('is bounded like a remote backend when backendTimeoutMs is given', () => {
    const cache = new MemoryCache({ backendTimeoutMs: 50 });
    expect(cache.inProcess).toBe(false);
    expect(cache.backendTimeoutMs).toBe(50);
  });

  it('reads through an overridden get: the hit path does not skip it', async () => {
    class CountingMemoryCache extends MemoryCache {
      gets = 0;
      override async get(key: string): Promise<unknown> {
        this.gets += 1;
        return super.get(key);
      }
    }
    const cache = new CountingMemoryCache();
    expect(cache.getSync).toBeUndefined();
    const getUser = cached(async (id: number) => ({ id }), { cacheKey: 'u:{id}', cacheInstance: cache });
    await getUser(1);
    await getUser(1);
    expect(cache.gets).toBe(2);
  });

  it('bounds a slow overridden get with its backendTimeoutMs: the call runs the function and the timeout is reported', async () => {
    const cache = new SlowMemoryCache({ backendTimeoutMs: 50 });
    const reported: string[] = [];
    const getUser = cached(async (id: number) => ({ id, fresh: true }), {
      cacheKey: 'slow:{id}',
      cacheInstance: cache,
      onError: (error) => reported.push(error.message),
    });
    try {
      await expect(getUser(1)).resolves.toEqual({ id: 1, fresh: true });
      expect(cache.gets).toBe(1);
      expect(reported).toEqual([expect.stringContaining('no answer within 50 ms')]);
    } finally {
      cache.release();
    }
  });

  it('keeps a subclass getSync that overrides both', () => {
    class BothOverridden extends MemoryCache {
      override async get(key: string): Promise<unknown> {
        return super.get(key);
      }
      override getSync(key: string): unknown {
        return super.getSync(key);
      }
    }
    expect(typeof new BothOverridden().getSync).toBe('function');
  });
});
