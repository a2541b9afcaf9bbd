const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `target[name]` when `target` has that own property, else `undefined`: keys never read through
 * the prototype chain, so no inherited getter runs and `__proto__` never leads anywhere.
 */
export function readOwn(target: unknown, name: string): unknown {
  if (target === null || target === undefined) return undefined;
  return hasOwn.call(target, name) ? (target as Record<string, unknown>)[name] : undefined;
}

/**
 * One segment of a template path: an own property, or a getter that a class defines on the
 * instance's prototype chain (`get id()`), so `{this.id}` works with accessors. Plain inherited
 * data and anything on `Object.prototype` are never read.
 */
export function readPathSegment(target: unknown, name: string): unknown {
  if (target === null || target === undefined) return undefined;
  if (hasOwn.call(target, name)) return (target as Record<string, unknown>)[name];
  if (typeof target !== 'object') return undefined;
  for (let at = Object.getPrototypeOf(target) as object | null; at !== null && at !== Object.prototype; at = Object.getPrototypeOf(at) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(at, name);
    if (descriptor) return descriptor.get ? descriptor.get.call(target) : undefined;
  }
  return undefined;
}
