/** Turns values into text for a backend and back. */
export interface Serializer {
  /** Text for `value`; throws `SerializationError` for what cannot be stored (a function, a symbol). */
  encode(value: unknown): string;
  /** The value for `text`; throws `SerializationError` for text it did not write. Never executes anything. */
  decode(text: string): unknown;
}
