/** Turns values into text for a backend and back. */
export interface Serializer {
  /** Text for `value`; throws `SerializationError` for what cannot be stored (a function, a symbol). */
  encode(value: unknown): string;
  /** The value for `text`; throws `SerializationError` for text it did not write. Never executes anything. */
  decode(text: string): unknown;
}

/** What a `Serializer` option must be, as error messages say it. */
export const SERIALIZER_SHAPE = 'an object with encode(value) and decode(text) functions';

/** Whether `value` has the shape of a `Serializer`: an object with `encode` and `decode` functions. */
export function isSerializer(value: unknown): value is Serializer {
  const candidate = value as Partial<Serializer> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.encode === 'function' && typeof candidate.decode === 'function';
}
