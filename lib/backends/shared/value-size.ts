/**
 * The size check of a backend's writes: a value over the backend's limit is refused with a
 * `ValueTooLargeError` that gives its size and the limit, before anything is sent.
 */
import { ValueTooLargeError } from '../../errors';
import { formatBytes } from '../../shared/format-bytes';
import { shownKey } from './codec';

/** A limit for a message, with the option that sets it: `1 MiB (1048576 bytes, option "maxValueBytes")`. */
export function formatLimit(bytes: number, option: string): string {
  const text = formatBytes(bytes);
  return text.endsWith(')') ? `${text.slice(0, -1)}, option "${option}")` : `${text} (option "${option}")`;
}

/** The UTF-8 size of `text`, or `undefined` when it is surely within `limit` (counted only when it may not be). */
export function bytesOver(text: string, limit: number): number | undefined {
  // A UTF-16 unit takes at most 3 UTF-8 bytes: most texts need no count at all.
  if (text.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(text);
  return bytes > limit ? bytes : undefined;
}

/**
 * The error for a value of `bytes` for `key` over `limit`; `limitText` says what the limit is,
 * ending with the option (`RedisCache stores values of at most 1 MiB (1048576 bytes, option "maxValueBytes")`).
 */
export function valueTooLarge(key: string, bytes: number, limit: number, option: string, limitText: string): ValueTooLargeError {
  return new ValueTooLargeError(`the value for key ${shownKey(key)} is not stored: it takes ${formatBytes(bytes)}, and ${limitText}`, {
    key,
    bytes,
    limitBytes: limit,
    option,
  });
}

/** `text`, the encoded value for `key`; `ValueTooLargeError` when it takes more than `limit` bytes (no limit: nothing to check). */
export function checkValueSize(owner: string, option: string, limit: number | undefined, key: string, text: string): string {
  if (limit === undefined) return text;
  const bytes = bytesOver(text, limit);
  if (bytes !== undefined) throw valueTooLarge(key, bytes, limit, option, `${owner} stores values of at most ${formatLimit(limit, option)}`);
  return text;
}
