import { CacheKeyError } from '../errors';
import { renderValueAt } from './render-value';

/** Joins the parts of every key, tag and prefix. Values never contain it: they are escaped. */
export const KEY_DELIMITER = ':';

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

function renderPart(parts: readonly unknown[], index: number): string {
  return renderValueAt(parts[index], `part ${index}`, `part ${index}`, `part ${index} of createCacheKey()`);
}
