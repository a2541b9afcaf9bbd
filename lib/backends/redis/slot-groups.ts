/**
 * Redis Cluster hash slots: which of the 16384 slots a key lives in, and the grouping of a batch
 * of keys by slot, so that a multi-key command never spans slots (which the server refuses with
 * CROSSSLOT).
 */

/** Number of hash slots in a Redis Cluster. */
export const SLOT_COUNT = 16384;

/** CRC16/XMODEM lookup table (polynomial 0x1021), the checksum Redis Cluster uses for slots. */
const CRC16_TABLE = ((): Uint16Array => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[byte] = crc;
  }
  return table;
})();

/** CRC16/XMODEM of `bytes[start..end)`. */
function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let index = start; index < end; index += 1) {
    const byte = bytes[index] ?? 0;
    crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  }
  return crc;
}

/** The byte range that is hashed: the text inside the first `{...}` when it is not empty, else all of it. */
function hashedRange(bytes: Uint8Array): [number, number] {
  const open = bytes.indexOf(0x7b); // '{'
  if (open === -1) return [0, bytes.length];
  const close = bytes.indexOf(0x7d, open + 1); // '}'
  // "{}" and an unclosed "{" do not make a hash tag: the whole key is hashed.
  if (close === -1 || close === open + 1) return [0, bytes.length];
  return [open + 1, close];
}

/**
 * The cluster hash slot of `key`, as Redis computes it: CRC16 of the key's UTF-8 bytes modulo
 * 16384, hashing only the hash tag (the text inside the first non-empty `{...}`) when there is one.
 *
 * @example
 * keySlot('user:{42}:profile') === keySlot('{42}') // true: both hash "42"
 */
export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const [start, end] = hashedRange(bytes);
  return crc16(bytes, start, end) % SLOT_COUNT;
}

/** The keys of one hash slot, with the index of each in the caller's list. */
export interface SlotGroup<K> {
  readonly slot: number;
  readonly keys: K[];
  /** `indexes[i]` is the position of `keys[i]` in the list given to `groupBySlot`. */
  readonly indexes: number[];
}

/**
 * Splits `keys` into groups of one hash slot each, in order of first appearance, so that each
 * group can be sent as one multi-key command and the results put back by index.
 */
export function groupBySlot<K extends string | Uint8Array>(keys: readonly K[]): SlotGroup<K>[] {
  const groups = new Map<number, SlotGroup<K>>();
  keys.forEach((key, index) => {
    const slot = keySlot(key);
    let group = groups.get(slot);
    if (!group) {
      group = { slot, keys: [], indexes: [] };
      groups.set(slot, group);
    }
    group.keys.push(key);
    group.indexes.push(index);
  });
  return [...groups.values()];
}
