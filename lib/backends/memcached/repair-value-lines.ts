const CRLF = '\r\n';
const JSON_FLAG = '2';
/** `VALUE <key> <flags> <bytes> [<cas>]`, as memcached starts each value it returns. */
const VALUE_HEADER = /^VALUE (\S+) (\d+) (\d+)( \d+)?$/;

/**
 * Repairs, in place, the response lines the `memcached` client is about to parse, so that values
 * written by other clients cannot crash the process or wedge a connection:
 *
 * - the client splits responses on CRLF and takes one line as a value, so a value holding CRLF
 *   (written raw by another client) leaves its tail in the buffer, where it blocks every later
 *   answer on that connection: the lines of such a value are joined back into one;
 * - the client `JSON.parse`s values stored with flag 2 inside a socket `data` handler, so invalid
 *   JSON there is an uncaught exception: such a value's flag is rewritten to 0 (a plain string,
 *   which the serializer then refuses with a `SerializationError`). Valid JSON is left alone.
 *
 * Returns `false` when the lines end inside a value, so the caller waits for more data.
 */
export function repairValueLines(lines: string[]): boolean {
  let index = 0;
  while (index < lines.length) {
    const header = VALUE_HEADER.exec(lines[index] ?? '');
    if (header === null) {
      index += 1;
      continue;
    }
    const dataLines = countDataLines(lines, index + 1, Number(header[3]));
    if (dataLines === 0) return false;
    if (dataLines > 1) {
      lines.splice(index + 1, dataLines, lines.slice(index + 1, index + 1 + dataLines).join(CRLF));
    }
    if (header[2] === JSON_FLAG && !isClientJson(lines[index + 1] ?? '')) {
      lines[index] = `VALUE ${header[1]} 0 ${header[3]}${header[4] ?? ''}`;
    }
    index += 2;
  }
  return true;
}

/**
 * How many lines from `start` make up a value of `bytes` bytes: at least `bytes` bytes joined by
 * CRLF and followed by `END` or the next `VALUE` header; 0 when the lines run out first.
 */
function countDataLines(lines: readonly string[], start: number, bytes: number): number {
  let size = -CRLF.length;
  for (let end = start; end < lines.length; end += 1) {
    size += Buffer.byteLength(lines[end] ?? '') + CRLF.length;
    const next = lines[end + 1];
    if (next === undefined) return 0;
    if (size >= bytes && (next === 'END' || VALUE_HEADER.test(next))) return end - start + 1;
  }
  return 0;
}

/** Whether the client's own `JSON.parse` (after its unescaping) would accept `data`. */
function isClientJson(data: string): boolean {
  try {
    JSON.parse(data.replace(/\\(\r|\n)/g, '$1'));
    return true;
  } catch {
    return false;
  }
}
