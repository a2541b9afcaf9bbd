/** Test helpers that reach every object inside a value, to prove copies share nothing with it. */

/** Every object reachable from `value` (Map keys included). */
export function objectsIn(value: unknown, found = new Set<object>()): Set<object> {
  if (typeof value !== 'object' || value === null || found.has(value)) return found;
  found.add(value);
  // Small Buffers share Node's pool ArrayBuffer by design (in distinct ranges); other views own theirs.
  if (ArrayBuffer.isView(value) && !Buffer.isBuffer(value)) found.add(value.buffer);
  if (value instanceof Map) {
    for (const [key, item] of value) {
      objectsIn(key, found);
      objectsIn(item, found);
    }
  } else if (value instanceof Set) {
    for (const item of value) objectsIn(item, found);
  } else if (!ArrayBuffer.isView(value) && !(value instanceof Date) && !(value instanceof ArrayBuffer)) {
    for (const key of Object.keys(value)) objectsIn((value as Record<string, unknown>)[key], found);
  }
  return found;
}

/** Changes every container reachable from `value` in place: members, items, times and bytes. */
export function mutateEverywhere(value: unknown): void {
  for (const object of objectsIn(value)) {
    if (object instanceof Date) object.setTime(123);
    else if (object instanceof Map) object.set('added', 'by the caller');
    else if (object instanceof Set) object.add('added by the caller');
    else if (object instanceof ArrayBuffer) new Uint8Array(object).fill(7);
    else if (ArrayBuffer.isView(object)) new Uint8Array(object.buffer, object.byteOffset, object.byteLength).fill(7);
    else if (Array.isArray(object)) object.push('added by the caller');
    else {
      for (const key of Object.keys(object)) Object.defineProperty(object, key, { value: 'changed', writable: true, enumerable: true, configurable: true });
      (object as Record<string, unknown>).added = 'by the caller';
    }
  }
}
