import { SerializationError } from '../../errors';
import type { Foresee } from '../backend';
import type { Serializer } from '../../serializer/serializer';
import { taggedJson } from '../../serializer/tagged-json';
import { DecodeMemo, NOT_KEPT, type DecodeMemoSettings, type Expected } from './decode-memo';
export type { Expected } from './decode-memo';

/** A key for a message, quoted and cut after 200 characters. */
export function shownKey(key: string): string {
  return JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key);
}

/**
 * A backend's serializer with its failures as `SerializationError`s naming the backend and the
 * key, so that the core can tell "this value cannot be stored / read back" from a backend fault.
 * With `memo` settings (and the default serializer), a key read again with the text it had is
 * copied from its earlier value instead of decoded again (see `DecodeMemo`).
 * @example const codec = new Codec('RedisCache', taggedJson); codec.encode('user:1', value)
 */
export class Codec {
  readonly #backend: string;
  readonly #serializer: Serializer;
  /** Whether class instances come back as plain objects: the default serializer; a custom one is trusted to keep them. */
  readonly losesPrototypes: boolean;
  readonly #memo: DecodeMemo | undefined;

  constructor(backend: string, serializer: Serializer, memo: DecodeMemoSettings | false = false) {
    this.#backend = backend;
    this.#serializer = serializer;
    this.losesPrototypes = serializer === taggedJson;
    // A custom serializer's values may be anything: only the default one's are copied exactly.
    this.#memo = memo !== false && serializer === taggedJson ? new DecodeMemo(memo) : undefined;
  }

  /** `value` as text; a `SerializationError` passes as it is, anything else the serializer throws is wrapped. */
  encode(key: string, value: unknown): string {
    try {
      return this.#serializer.encode(value);
    } catch (error) {
      if (error instanceof SerializationError) throw error;
      throw new SerializationError(`${this.#backend}: cannot encode the value for ${shownKey(key)}: ${messageOf(error)}`, { cause: error });
    }
  }

  /**
   * Called as a read of `key` leaves: what the memo expects its reply to be, with a copy of the
   * value made now, while the read waits (see `DecodeMemo.expect`); pass it to `decode`. The
   * read's `foresee` is handed that copy, which `decode` returns for the text expected.
   */
  expect(key: string, foresee?: Foresee): Expected | undefined {
    const expected = this.#memo?.expect(key);
    if (expected !== undefined && foresee !== undefined) foresee(expected.copy);
    return expected;
  }

  /**
   * The value of stored `text`; whatever the serializer throws becomes a `SerializationError`
   * (with `cause`). `expected`: what `expect` returned as this text's read left.
   */
  decode(key: string, text: string, expected?: Expected): unknown {
    const memo = this.#memo;
    if (memo === undefined) return this.#decoded(key, text);
    // The copy made as the read left, when the reply is the text it was made for; else the memo's.
    let copy = expected === undefined ? NOT_KEPT : expected.of(text);
    if (copy === NOT_KEPT) copy = memo.copyOf(key, text);
    if (copy !== NOT_KEPT) return copy;
    const value = this.#decoded(key, text);
    memo.keep(key, text, value);
    return value;
  }

  #decoded(key: string, text: string): unknown {
    try {
      return this.#serializer.decode(text);
    } catch (error) {
      throw new SerializationError(`${this.#backend}: cannot decode the value under ${shownKey(key)}: ${messageOf(error)}`, { cause: error });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
