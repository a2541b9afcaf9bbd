import { SerializationError } from '../../errors';
import type { Serializer } from '../../serializer/serializer';
import { taggedJson } from '../../serializer/tagged-json';

/** A key for a message, quoted and cut after 200 characters. */
export function shownKey(key: string): string {
  return JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key);
}

/**
 * A backend's serializer with its failures as `SerializationError`s naming the backend and the
 * key, so that the core can tell "this value cannot be stored / read back" from a backend fault.
 * @example const codec = new Codec('RedisCache', taggedJson); codec.encode('user:1', value)
 */
export class Codec {
  readonly #backend: string;
  readonly #serializer: Serializer;
  /** Whether class instances come back as plain objects: the default serializer; a custom one is trusted to keep them. */
  readonly losesPrototypes: boolean;

  constructor(backend: string, serializer: Serializer) {
    this.#backend = backend;
    this.#serializer = serializer;
    this.losesPrototypes = serializer === taggedJson;
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

  /** The value of stored `text`; whatever the serializer throws becomes a `SerializationError` (with `cause`). */
  decode(key: string, text: string): unknown {
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
