import { CacheKeyError } from '../errors';
import { renderValueAt } from './render-value';

/** Joins the parts of every key, tag and prefix. Values never contain it: they are escaped. */
export const KEY_DELIMITER = ':';

/** Starts the stored key of every tag (and prefix), so tags never collide with entry keys. */
export const TAG_KEY_PREFIX = 'tag:';

/**
 * A key made of `parts`, each rendered and escaped like a template value and joined by `:`, so
 * `createCacheKey('u', a, b)` is what the template `'u:{a}:{b}'` renders for `(a, b)`.
 * @throws CacheKeyError when no part is given, or a part holds a function or a symbol.
 * @example createCacheKey('user_favorite_books', 42) // 'user_favorite_books:42'
 */
export function createCacheKey(...parts: readonly unknown[]): string {
  if (parts.length === 0) {
    throw new CacheKeyError('createCacheKey() needs at least one part, for example createCacheKey("user", id)');
  }
  let key = renderPart(parts, 0);
  for (let i = 1; i < parts.length; i += 1) key += KEY_DELIMITER + renderPart(parts, i);
  return key;
}

/**
 * The stored key of the tag written as `parts` joined by `:`: `createTagCacheKey('users', 1)` is
 * the key of the tag `'users:{id}'` for `id = 1`; `createTagCacheKey('users:1')` is another tag.
 * @throws CacheKeyError like `createCacheKey`.
 * @example createTagCacheKey('users', 1) // 'tag:users:1'
 */
export function createTagCacheKey(...parts: readonly unknown[]): string {
  return TAG_KEY_PREFIX + createCacheKey(...parts);
}

function renderPart(parts: readonly unknown[], index: number): string {
  return renderValueAt(parts[index], `part ${index}`, `part ${index}`, `part ${index} of createCacheKey()`);
}
