/**
 * What a near cache with `copy` keeps, and the copies it hands out. Plain JSON data (under the
 * default serializer) is kept as a copy of its own and cloned on every read; anything else (Dates,
 * Maps, class instances, any value of a custom serializer) is kept as its text and decoded on
 * every read, as a read from the remote store would. Either way no caller ever holds what is kept.
 *
 * The near tier keeps these in a store of its own (`HeldStore`) rather than in a `MemoryCache`
 * with `copy`: so the core's hit path can clone only the value it returns out of a held entry
 * (`NearTier.peekSync`, `copyOut`) instead of the whole entry with its tag versions, by a plan
 * noted with the entry's slot.
 */
import { NOT_PLAIN, clonePlainJson, copyPlainJson } from '../../serializer/plain-json-copy';
import { taggedJson } from '../../serializer/tagged-json';
import type { Serializer } from '../../serializer/serializer';
import { Codec } from '../shared/codec';

/** A value kept as text, decoded on every read. */
class KeptText {
  constructor(readonly text: string) {}
}

export class HeldCopies {
  readonly #codec: Codec;
  /** Plain JSON data is copied as it is (the default serializer only: any other decides what comes back). */
  readonly #plain: boolean;

  constructor(owner: string, serializer: Serializer) {
    this.#codec = new Codec(owner, serializer);
    this.#plain = serializer === taggedJson;
  }

  /**
   * What to keep for `value`: a primitive as it is, plain data as a copy, anything else as text.
   * @throws SerializationError for a value the serializer cannot encode.
   */
  keep(key: string, value: unknown): unknown {
    const type = typeof value;
    if (type === 'object' ? value === null : type !== 'function' && type !== 'symbol') return value;
    if (this.#plain) {
      const plain = copyPlainOrNot(value);
      if (plain !== NOT_PLAIN) return plain;
    }
    return new KeptText(this.#codec.encode(key, value));
  }

  /** A copy of what `keep` kept under `key`, for a caller. */
  handOut(key: string, kept: unknown): unknown {
    if (typeof kept !== 'object' || kept === null) return kept;
    return kept instanceof KeptText ? this.#codec.decode(key, kept.text) : clonePlainJson(kept);
  }
}

/** Whether what `keep` kept may be lent as it is (primitives and plain data; a text must be decoded). */
export function isLendable(kept: unknown): boolean {
  return !(kept instanceof KeptText);
}

/** `copyPlainJson`, with a throwing getter left for the encoder to report. */
function copyPlainOrNot(value: unknown): unknown {
  try {
    return copyPlainJson(value);
  } catch {
    return NOT_PLAIN;
  }
}
