import { CacheKeyError } from '../../lib/errors';
import { compileTemplate } from '../../lib/keys/compile-template';
import { createCacheKey, KEY_DELIMITER } from '../../lib/keys/key-parts';
import { createTagCacheKey, TAG_KEY_PREFIX } from '../../lib/tags/tag-protocol';
import { readSignature } from '../../lib/keys/parameter-names';

describe('createCacheKey', () => {
  it.each<[unknown[], string]>([
    [['user_favorite_books', 42], 'user_favorite_books:42'],
    [['user'], 'user'],
    [['u', '1:2', '3'], 'u:1%3A2:3'],
    [['u', '1', '2:3'], 'u:1:2%3A3'],
    [['a:b', 1], 'a%3Ab:1'],
    [['rate', '50%'], 'rate:50%25'],
    [['u', null, undefined, true], 'u:null:undefined:true'],
    [['q', { b: 1, a: 2 }], 'q:{"a"%3A2,"b"%3A1}'],
    [['d', new Date(0)], 'd:1970-01-01T00%3A00%3A00.000Z'],
    [['n', 10n, NaN, -0], 'n:10:NaN:0'],
    [['', ''], ':'],
  ])('%p → %p', (parts, expected) => {
    expect(createCacheKey(...parts)).toBe(expected);
  });

  it('is what the template with those placeholders renders', () => {
    const template = compileTemplate('u:{a}:{b}', readSignature((a: unknown, b: unknown) => [a, b]), { label: 'cached(f)', option: 'cacheKey' });
    for (const [a, b] of [['1:2', '3'], ['1', '2:3'], [7, { x: [1] }], ['%', '%3A']] as const) {
      expect(createCacheKey('u', a, b)).toBe(template.render([a, b], undefined));
    }
  });

  it('keeps differently split parts apart', () => {
    expect(createCacheKey('u', '1:2', '3')).not.toBe(createCacheKey('u', '1', '2:3'));
    expect(createCacheKey('a:b')).not.toBe(createCacheKey('a', 'b'));
  });

  it('refuses a function or symbol part, naming the part', () => {
    expect(() => createCacheKey('u', () => 1)).toThrow(CacheKeyError);
    expect(() => createCacheKey('u', 1, { s: Symbol('x') })).toThrow(
      expect.objectContaining({ parameter: 'part 2', message: expect.stringContaining('part 2 of createCacheKey() cannot be part of a key: part 2.s is a symbol') }),
    );
  });

  it('refuses no parts at all', () => {
    expect(() => createCacheKey()).toThrow(/createCacheKey\(\) needs at least one part/);
  });
});

describe('createTagCacheKey', () => {
  it('is tag: followed by the key of the parts', () => {
    expect(createTagCacheKey('users', 1)).toBe('tag:users:1');
    expect(createTagCacheKey('users', 'a:b')).toBe('tag:users:a%3Ab');
  });

  it('gives the key of the tag template rendered with the same values', () => {
    const tag = compileTemplate('users:{id}', readSignature((id: unknown) => id), { label: 'cached(f)', option: 'tags' });
    for (const id of [1, 'x:y', null, [1, 2]]) {
      expect(createTagCacheKey('users', id)).toBe(TAG_KEY_PREFIX + tag.render([id], undefined));
    }
  });

  it('treats one part with a delimiter as another tag', () => {
    expect(createTagCacheKey('users:1')).toBe('tag:users%3A1');
    expect(createTagCacheKey('users:1')).not.toBe(createTagCacheKey('users', 1));
  });

  it('exports the delimiter and the tag prefix', () => {
    expect(KEY_DELIMITER).toBe(':');
    expect(TAG_KEY_PREFIX).toBe('tag:');
  });
});
